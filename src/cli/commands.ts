/** The `gss` commands, in the order `gss help` lists them, and `gss help` itself. */
import { client } from './client.js';
import { type Command, defineCommand } from './command.js';
import { demo } from './demo.js';
import { kdc } from './kdc.js';
import { kinit } from './kinit.js';
import { klist } from './klist.js';
import { formatHelp } from './options/help.js';
import { UsageError } from './options/parse.js';
import { server } from './server.js';
import { worker } from './worker.js';

/** `gss help` and `gss` alone: the commands and their summaries. */
export function commandList(): string {
  const shown = COMMANDS.filter((c) => !c.spec.hidden);
  const width = Math.max(...shown.map((c) => c.spec.name.length)) + 2;
  let out = 'usage: gss <command> [options]\n\ncommands:\n';
  for (const c of shown) out += `  ${c.spec.name.padEnd(width)}${c.spec.summary}\n`;
  out += "\nEach command takes --help; 'gss help COMMAND' prints the same text.\n";
  return out;
}

const help = defineCommand(
  {
    name: 'help',
    summary: "this text, or a command's options",
    operands: '[command]',
    minOperands: 0,
    maxOperands: 1,
    description: 'Without a command: the commands. With one: its options, as `gss COMMAND --help`.',
    usageStatus: 2,
    options: {},
  },
  async ({ operands }) => {
    const name = operands[0];
    if (name === undefined) {
      process.stdout.write(commandList());
      return 0;
    }
    const cmd = findCommand(name);
    if (!cmd) throw new UsageError(`unknown command '${name}'`);
    process.stdout.write(formatHelp(cmd.spec));
    return 0;
  },
);

export const COMMANDS: readonly Command[] = [kinit, klist, kdc, server, client, demo, help, worker];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.spec.name === name);
}
