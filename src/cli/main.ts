import { demo } from './demo.js';
import { kdc } from './kdc.js';
import { kinit } from './kinit.js';
import { klist } from './klist.js';

const USAGE = `usage: gss <command> [options]

commands:
  demo      the seed scenario end to end (what exists so far)
  help      this text
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = Object.assign(Object.create(null), {
  demo,
  kdc,
  kinit,
  klist,
  help: async () => {
    process.stdout.write(USAGE);
    return 0;
  },
});

/** The `gss` command: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const cmd = name === undefined ? undefined : COMMANDS[name];
  if (!cmd) {
    process.stderr.write(name ? `gss: unknown command '${name}'\n${USAGE}` : USAGE);
    return name ? 2 : 0;
  }
  return cmd(rest);
}
