/**
 * Option parsing for the `gss` subcommands: GNU `--long`, `--long=value`, and MIT's single-dash
 * long options (`-port 4444`, `-nomutual`), as the MIT tools users know take them.
 */
export interface OptionSpec {
  /** Names without dashes: `port` accepts `--port`, `-port`, and each alias. */
  names: readonly string[];
  kind: 'flag' | 'string' | 'number' | 'list';
}

export type ParsedOptions = Record<string, string | number | boolean | string[]>;

export class UsageError extends Error {}

export function parseArgs(
  argv: readonly string[],
  spec: Record<string, OptionSpec>,
): { options: ParsedOptions; positionals: string[] } {
  const byName = new Map<string, [string, OptionSpec]>();
  for (const [key, s] of Object.entries(spec)) for (const n of s.names) byName.set(n, [key, s]);
  const options: ParsedOptions = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const found = byName.get(name);
    if (!found) throw new UsageError(`unknown option '${arg}'`);
    const [key, s] = found;
    if (s.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`option '${arg}' takes no value`);
      options[key] = true;
      continue;
    }
    let value: string | undefined = eq >= 0 ? body.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`option '${arg}' needs a value`);
    if (s.kind === 'number') {
      // Decimal digits only: Number() would take '', ' 5', '0x10' and '1e3'.
      const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(n))
        throw new UsageError(`option '${arg}' needs a whole number, not '${value}'`);
      options[key] = n;
    } else if (s.kind === 'list') {
      const prev = options[key];
      options[key] = [...(Array.isArray(prev) ? prev : []), value];
    } else {
      options[key] = value;
    }
    value = undefined;
  }
  return { options, positionals };
}
