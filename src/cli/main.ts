import { client } from './client.js';
import { demo } from './demo.js';
import { kdc } from './kdc.js';
import { kinit } from './kinit.js';
import { klist } from './klist.js';
import { server } from './server.js';
import { worker } from './worker.js';

const USAGE = `usage: gss <command> [options]

commands:
  kinit     get a TGT into a credential cache (password or keytab)
  klist     list a credential cache, or a keytab with -k
  kdc       run the embedded KDC on 127.0.0.1
  server    MIT gss-server's protocol; --workers N hands exported contexts to worker processes
  client    MIT gss-client's protocol
  demo      the seed scenario end to end (npm start)
  help      this text

Each command takes --help.
`;

type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = Object.assign(Object.create(null), {
  client,
  demo,
  kdc,
  kinit,
  klist,
  server,
  worker,
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
