/**
 * The one option parser of the `gss` commands, driven by a command's table (table.ts).
 *
 * A word after `--`, a lone `-`, and any word not starting with `-` is an operand (operands and
 * options may be mixed, as GNU getopt permutes them). `--name` is looked up among the GNU long
 * names. `-word` is first looked up whole among the MIT single-dash names, so `-nomutual` is
 * never read as `-n -o -m ...`; otherwise it is a cluster of short letters, getopt style, where
 * a letter that takes a value takes the rest of the word or, if none is left, the next word.
 */
import {
  type CommandSpec,
  type OptionSpec,
  type OptionTable,
  type OptionValues,
  optionsWithHelp,
} from './table.js';

/** A command line that does not fit the command's table; the message names what is wrong. */
export class UsageError extends Error {}

export type ParsedCommandLine<T extends OptionTable> =
  | { readonly help: true }
  | { readonly help: false; readonly options: OptionValues<T>; readonly operands: string[] };

interface Lookup {
  readonly long: Map<string, string>;
  readonly mit: Map<string, string>;
  readonly short: Map<string, string>;
  readonly specs: Map<string, OptionSpec>;
}

function lookupOf(spec: CommandSpec): Lookup {
  const l: Lookup = { long: new Map(), mit: new Map(), short: new Map(), specs: new Map() };
  for (const [key, o] of optionsWithHelp(spec)) {
    l.specs.set(key, o);
    l.long.set(o.long, key);
    for (const a of o.longAliases ?? []) l.long.set(a, key);
    for (const m of o.mit ?? []) l.mit.set(m, key);
    if (o.short !== undefined) l.short.set(o.short, key);
  }
  return l;
}

/** Decimal digits only: Number() would take '', ' 5', '0x10' and '1e3'. */
function toNumber(o: OptionSpec, spelling: string, text: string): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new UsageError(`option '${spelling}' needs a whole number, not '${text}'`);
  if (o.min !== undefined && n < o.min)
    throw new UsageError(`${spelling} must be at least ${o.min}, not ${text}`);
  if (o.max !== undefined && n > o.max)
    throw new UsageError(`${spelling} must be at most ${o.max}, not ${text}`);
  return n;
}

export function parseCommandLine<T extends OptionTable>(
  spec: CommandSpec<T>,
  argv: readonly string[],
): ParsedCommandLine<T> {
  const l = lookupOf(spec);
  const values = new Map<string, string | number | boolean | (string | number)[]>();
  const operands: string[] = [];
  // Sets option `key`, typed as `spelling`; `inline` is a value attached to the word itself.
  // Returns how many following words it took as its value (0 or 1).
  const take = (key: string, spelling: string, inline: string | undefined, next: string | undefined) => {
    const o = l.specs.get(key) as OptionSpec;
    if (o.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`option '${spelling}' takes no value`);
      values.set(key, true);
      return 0;
    }
    const text = inline ?? next;
    if (text === undefined) throw new UsageError(`option '${spelling}' needs a value`);
    const value = o.kind === 'number' ? toNumber(o, spelling, text) : text;
    if (o.repeatable) {
      const prev = values.get(key);
      values.set(key, [...(Array.isArray(prev) ? prev : []), value]);
    } else values.set(key, value);
    return inline === undefined ? 1 : 0;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const double = arg.startsWith('--');
    const body = arg.slice(double ? 2 : 1);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const key = double ? l.long.get(name) : l.mit.get(name);
    if (key !== undefined) {
      if (key === 'help') return { help: true };
      i += take(key, `${double ? '--' : '-'}${name}`, inline, argv[i + 1]);
      continue;
    }
    if (double || !l.short.has(body[0]))
      throw new UsageError(`unknown option '${double ? `--${name}` : arg}'`);
    for (let j = 0; j < body.length; j++) {
      const k = l.short.get(body[j]);
      if (k === undefined) throw new UsageError(`unknown option '-${body[j]}'`);
      if (k === 'help') return { help: true };
      const rest = body.slice(j + 1);
      if ((l.specs.get(k) as OptionSpec).kind !== 'flag') {
        i += take(k, `-${body[j]}`, rest === '' ? undefined : rest, argv[i + 1]);
        break;
      }
      take(k, `-${body[j]}`, undefined, undefined);
    }
  }
  for (const [key, o] of l.specs) {
    if (values.has(key)) continue;
    if (o.required) throw new UsageError(`--${o.long} is required`);
    values.set(key, o.kind === 'flag' ? false : o.repeatable ? [] : (o.default as string | number));
  }
  values.delete('help');
  checkOperands(spec, operands);
  return { help: false, options: Object.fromEntries(values) as OptionValues<T>, operands };
}

function checkOperands(spec: CommandSpec, operands: readonly string[]): void {
  const n = operands.length;
  if (n >= spec.minOperands && n <= spec.maxOperands) return;
  if (spec.maxOperands === 0) throw new UsageError(`unexpected operand '${operands[0]}'`);
  if (n > spec.maxOperands) throw new UsageError(`unexpected operand '${operands[spec.maxOperands]}'`);
  throw new UsageError(`${spec.operands} ${spec.minOperands === 1 ? 'is' : 'are'} needed`);
}
