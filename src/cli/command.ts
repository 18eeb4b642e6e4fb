/**
 * A `gss` command: its option table and what it does with the parsed options. `defineCommand`
 * joins the two, so each command's body sees typed values and never a raw argv, and every
 * command answers `--help` and usage errors the same way.
 */
import { formatHelp } from './options/help.js';
import { type ParsedCommandLine, parseCommandLine, UsageError } from './options/parse.js';
import { type CommandSpec, checkTable, type OptionTable, type OptionValues } from './options/table.js';

export interface Command {
  readonly spec: CommandSpec;
  /** Runs the command on its arguments (after the command name); returns the exit status. */
  run(argv: readonly string[]): Promise<number>;
}

interface CommandArgs<T extends OptionTable> {
  readonly options: OptionValues<T>;
  readonly operands: readonly string[];
}

/** Prints a usage error as one line, and returns the command's usage exit status. */
function usageError(spec: CommandSpec, message: string): number {
  process.stderr.write(`gss ${spec.name}: ${message} (see 'gss ${spec.name} --help')\n`);
  return spec.usageStatus;
}

/**
 * `body` may throw `UsageError` for what the table cannot say (two options that exclude each
 * other); it is reported like the parser's own errors.
 */
export function defineCommand<const T extends OptionTable>(
  spec: CommandSpec<T>,
  body: (args: CommandArgs<T>) => Promise<number>,
): Command {
  checkTable(spec);
  return {
    spec,
    async run(argv) {
      let parsed: ParsedCommandLine<T>;
      try {
        parsed = parseCommandLine(spec, argv);
        if (parsed.help) {
          process.stdout.write(formatHelp(spec));
          return 0;
        }
        return await body(parsed);
      } catch (e) {
        if (e instanceof UsageError) return usageError(spec, e.message);
        throw e;
      }
    },
  };
}
