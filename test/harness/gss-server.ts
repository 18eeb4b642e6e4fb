/**
 * MIT's gss-server behind a loopback-only acceptor: gss-server binds every interface when it
 * listens itself, so it runs in -inetd mode, one process per connection, with the accepted socket
 * as its stdin/stdout. Its log (-logfile) is the only output it has in that mode.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { MIT_BIN, type Realm, track } from './realm.js';

export interface MitGssServer {
  readonly port: number;
  readonly logFile: string;
  log(): string;
  /** Resolves when every gss-server process started so far has exited. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMitGssServer(
  realm: Realm,
  opts: { service?: string; keytab?: string; args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<MitGssServer> {
  const service = opts.service ?? 'gsstest@localhost';
  const keytab = opts.keytab ?? realm.keytabs.gsstest;
  const logFile = join(realm.dir, `gss-server-${Date.now()}-${Math.random().toString(16).slice(2)}.log`);
  const running = new Set<Promise<unknown>>();
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => {
    const child = track(
      spawn(
        MIT_BIN.gssServer,
        ['-inetd', '-logfile', logFile, '-keytab', keytab, ...(opts.args ?? []), service],
        { env: opts.env ?? realm.env, stdio: [socket, socket, 'ignore'] },
      ),
    );
    const done = new Promise((r) => child.once('exit', r));
    running.add(done);
    done.then(() => running.delete(done));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    logFile,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    idle: async () => {
      await Promise.all([...running]);
    },
    stop: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...running]);
    },
  };
}
