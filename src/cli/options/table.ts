/**
 * The `gss` commands' option tables: each command declares every option once, with all its
 * spellings, and the parser (parse.ts) and the `--help` text (help.ts) are both made from that
 * one declaration, so they cannot drift apart.
 *
 * Spellings (docs/cli.md):
 * - `long`: GNU `--long VALUE` and `--long=VALUE`; every option has one.
 * - `longAliases`: more GNU names, where MIT's tool has its own (kinit's `--noforwardable`).
 * - `mit`: single-dash words as MIT's tools spell them (`-port 4444`, `-nomutual`).
 * - `short`: one letter, getopt style: clustered (`-kt KT`) and with an attached value (`-tKT`).
 */
type OptionKind = 'flag' | 'string' | 'number';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly long: string;
  readonly longAliases?: readonly string[];
  readonly mit?: readonly string[];
  readonly short?: string;
  /** The value's name in the help text (`P`, `KEYTAB`); value options only. */
  readonly value?: string;
  /** Every occurrence is kept, in order (else the last one wins, as getopt users expect). */
  readonly repeatable?: boolean;
  readonly required?: boolean;
  readonly default?: string | number;
  /** Bounds of a `number` option, inclusive. */
  readonly min?: number;
  readonly max?: number;
  /** One line for `--help`. */
  readonly help: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<T extends OptionTable = OptionTable> {
  readonly name: string;
  /** One line for `gss help`. */
  readonly summary: string;
  /** The operands in the usage line, e.g. `HOST SERVICE@HOST MSG` or `[principal]`. */
  readonly operands: string;
  readonly minOperands: number;
  readonly maxOperands: number;
  /** Paragraphs printed between the usage line and the options. */
  readonly description?: string;
  readonly options: T;
  /** The exit status of a usage error: 2, or what the MIT tool of the same name uses. */
  readonly usageStatus: number;
  /** Left out of `gss help` (the worker, which `gss server` starts itself). */
  readonly hidden?: boolean;
}

type Scalar<O extends OptionSpec> = O['kind'] extends 'number' ? number : string;

/** What the parser returns for an option: flags are booleans, repeatable options arrays. */
type OptionValue<O extends OptionSpec> = O['kind'] extends 'flag'
  ? boolean
  : O extends { readonly repeatable: true }
    ? Scalar<O>[]
    : O extends { readonly default: string | number } | { readonly required: true }
      ? Scalar<O>
      : Scalar<O> | undefined;

export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: OptionValue<T[K]> };

/** `-h` and `--help`: every command has them; parse.ts stops at them. */
const HELP_OPTION: OptionSpec = { kind: 'flag', long: 'help', short: 'h', help: 'print this text' };

/** Each spelling of an option as a user types it, in the help text's order. */
export function spellingsOf(o: OptionSpec): string[] {
  const out: string[] = [];
  if (o.short !== undefined) out.push(`-${o.short}`);
  out.push(`--${o.long}`);
  for (const a of o.longAliases ?? []) out.push(`--${a}`);
  for (const m of o.mit ?? []) out.push(`-${m}`);
  return out;
}

/** The options of a command with `help` added: what its parser reads and its help lists. */
export function optionsWithHelp(spec: CommandSpec): [string, OptionSpec][] {
  return [...Object.entries(spec.options), ['help', HELP_OPTION]];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * Refuses a table that could not be parsed unambiguously: a spelling used twice, a short
 * option that is not one letter, a value option without a value name. Called when a command is
 * defined, so a bad table fails at start-up and in the unit tests, never at a user's prompt.
 */
export function checkTable(spec: CommandSpec): void {
  const seen = new Set<string>();
  const fail = (why: string): never => {
    throw new Error(`gss ${spec.name}: option table: ${why}`);
  };
  for (const [key, o] of optionsWithHelp(spec)) {
    if (key === 'help' && o !== HELP_OPTION) fail("'help' is every command's own");
    for (const s of spellingsOf(o)) {
      if (seen.has(s)) fail(`'${s}' is declared twice`);
      seen.add(s);
      if (!NAME.test(s.replace(/^--?/, ''))) fail(`'${s}' is no option name`);
    }
    if (o.short !== undefined && !/^[A-Za-z0-9]$/.test(o.short)) fail(`short '${o.short}' is not one letter`);
    if ((o.kind === 'flag') !== (o.value === undefined))
      fail(`'--${o.long}': a value name goes with a value`);
    if (o.kind === 'flag' && (o.default !== undefined || o.repeatable || o.required))
      fail(`'--${o.long}': a flag has no default, repetition or requirement`);
    if (o.default !== undefined && typeof o.default !== (o.kind === 'number' ? 'number' : 'string'))
      fail(`'--${o.long}': the default is no ${o.kind}`);
    if ((o.min !== undefined || o.max !== undefined) && o.kind !== 'number')
      fail(`'--${o.long}': bounds are for numbers`);
  }
  if (spec.minOperands > spec.maxOperands) fail('minOperands > maxOperands');
}
