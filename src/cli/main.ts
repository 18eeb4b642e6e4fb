import { commandList, findCommand } from './commands.js';

/** The `gss` command: returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(commandList());
    return 0;
  }
  const cmd = findCommand(name);
  if (!cmd) {
    process.stderr.write(`gss: unknown command '${name}'\n${commandList()}`);
    return 2;
  }
  return cmd.run(rest);
}
