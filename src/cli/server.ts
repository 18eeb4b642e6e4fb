import { closeSync, openSync, writeSync } from 'node:fs';
import { DEFAULT_LIMITS, type ServerLimits } from '../sample/limits.js';
import { startSampleServer } from '../sample/server.js';
import { parseArgs, UsageError } from './args.js';

const D = DEFAULT_LIMITS;
const USAGE = `usage: gss server [--port P] [--host H] [--keytab KT] [--workers N] [--export] [--once] [--verbose]
                  [--logfile FILE] [--delegated-ccache CCACHE] [limits] SERVICE@HOST

MIT gss-server's protocol on 127.0.0.1 (default port 4444). With --workers N the listener
establishes each context, exports it sealed, and hands the token and socket to a worker process.

Limits (docs/sample.md; MIT's gss-server has none; 0 turns a timeout off):
  --max-token-size BYTES       largest frame before authentication and on unauthenticated
                               connections (default ${D.maxTokenSize}); larger is refused, logged, closed
  --max-message-size BYTES     largest frame on an established connection, and so the most one
                               connection makes the server buffer (default ${D.maxMessageSize})
  --handshake-timeout SECONDS  close a connection with no context established by then (default ${D.handshakeTimeoutMs / 1000})
  --idle-timeout SECONDS       close an established connection silent that long (default ${D.idleTimeoutMs / 1000}: off, as MIT)
  --max-unauthenticated N      connections not yet authenticated at once; more are closed at
                               once, logged (default ${D.maxUnauthenticated})
`;

/** `gss server`: runs until SIGINT/SIGTERM (or one connection with --once). */
export async function server(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    parsed = parseArgs(argv, {
      port: { names: ['port', 'p'], kind: 'number' },
      host: { names: ['host'], kind: 'string' },
      keytab: { names: ['keytab', 'k'], kind: 'string' },
      workers: { names: ['workers'], kind: 'number' },
      export: { names: ['export'], kind: 'flag' },
      once: { names: ['once'], kind: 'flag' },
      verbose: { names: ['verbose', 'v'], kind: 'flag' },
      logfile: { names: ['logfile'], kind: 'string' },
      delegatedCcache: { names: ['delegated-ccache'], kind: 'string' },
      maxTokenSize: { names: ['max-token-size'], kind: 'number' },
      maxMessageSize: { names: ['max-message-size'], kind: 'number' },
      handshakeTimeout: { names: ['handshake-timeout'], kind: 'number' },
      idleTimeout: { names: ['idle-timeout'], kind: 'number' },
      maxUnauthenticated: { names: ['max-unauthenticated'], kind: 'number' },
    });
    if (parsed.positionals.length !== 1) throw new UsageError('one SERVICE@HOST is needed');
  } catch (e) {
    process.stderr.write(`gss server: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const o = parsed.options;
  const num = (k: string) => o[k] as number | undefined;
  const ms = (k: string) => (o[k] === undefined ? undefined : (o[k] as number) * 1000);
  const given = {
    maxTokenSize: num('maxTokenSize'),
    maxMessageSize: num('maxMessageSize'),
    handshakeTimeoutMs: ms('handshakeTimeout'),
    idleTimeoutMs: ms('idleTimeout'),
    maxUnauthenticated: num('maxUnauthenticated'),
  };
  const limits: Partial<ServerLimits> = Object.fromEntries(
    Object.entries(given).filter(([, v]) => v !== undefined),
  );
  // MIT's -logfile: appended to, one line per event. Opened once: a descriptor per line failed
  // (and took the listener down) at the descriptor limit.
  let logFd: number | undefined;
  try {
    if (o.logfile) logFd = openSync(o.logfile as string, 'a', 0o644);
  } catch (e) {
    process.stderr.write(`gss server: cannot open log file: ${(e as Error).message}\n`);
    return 1;
  }
  let srv: Awaited<ReturnType<typeof startSampleServer>>;
  try {
    srv = await startSampleServer({
      service: parsed.positionals[0],
      port: (o.port as number | undefined) ?? 4444,
      host: (o.host as string | undefined) ?? '127.0.0.1',
      ...(o.keytab ? { keytab: o.keytab as string } : {}),
      workers: (o.workers as number | undefined) ?? 0,
      exportTest: o.export === true,
      ...(o.delegatedCcache ? { delegatedCcache: o.delegatedCcache as string } : {}),
      once: o.once === true,
      verbose: o.verbose === true,
      limits,
      // The 'Accepted' lines stay on stdout as MIT prints them; without a log file, everything.
      ...(logFd !== undefined
        ? {
            log: (line: string) => writeSync(logFd as number, `${line}\n`),
            stdout: (line: string) => process.stdout.write(`${line}\n`),
          }
        : {}),
    });
  } catch (e) {
    if (logFd !== undefined) closeSync(logFd);
    if (e instanceof RangeError) {
      process.stderr.write(`gss server: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  process.stderr.write(
    `starting... (127.0.0.1:${srv.port}${srv.workerPids.length ? `, workers ${srv.workerPids.join(' ')}` : ''})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (o.once) srv.closed.then(stop);
  });
  await srv.close();
  if (logFd !== undefined) closeSync(logFd);
  return 0;
}
