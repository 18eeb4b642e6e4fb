import { closeSync, openSync, writeSync } from 'node:fs';
import { DEFAULT_LIMITS as D, type ServerLimits } from '../sample/limits.js';
import { startSampleServer } from '../sample/server.js';
import { defineCommand } from './command.js';
import { type OpenedReplayCache, openReplayCache, replayCacheFailure, replayCacheName } from './rcache.js';

/** `gss server`: MIT gss-server (src/appl/gss-sample/gss-server.c), whose options it also takes. */
export const server = defineCommand(
  {
    name: 'server',
    summary: "MIT gss-server's protocol; --workers N hands exported contexts to worker processes",
    operands: 'SERVICE@HOST',
    minOperands: 1,
    maxOperands: 1,
    description: `MIT gss-server's protocol on 127.0.0.1 (default port 4444). With --workers N the listener
establishes each context, exports it sealed, and hands the token and socket to a worker process.
Runs until SIGINT or SIGTERM (or one connection with --once).

--rcache names the replay cache as KRB5RCACHENAME does (dfl:, file2:PATH, none:), or a Redis URL
for a replay cache shared by several servers (docs/fleet.md; needs the npm package redis).

The limits (docs/sample.md; MIT's gss-server has none) bound what an unauthenticated peer can
cost: a larger frame is refused, logged and its connection closed; a timeout of 0 is off.`,
    usageStatus: 2,
    options: {
      port: {
        kind: 'number',
        long: 'port',
        mit: ['port'],
        short: 'p',
        value: 'P',
        default: 4444,
        max: 65535,
        help: 'port to listen on',
      },
      host: { kind: 'string', long: 'host', value: 'H', default: '127.0.0.1', help: 'address to bind' },
      keytab: {
        kind: 'string',
        long: 'keytab',
        mit: ['keytab'],
        short: 'k',
        value: 'KT',
        help: 'acceptor keytab (else KRB5_KTNAME)',
      },
      workers: {
        kind: 'number',
        long: 'workers',
        value: 'N',
        default: 0,
        help: 'worker processes to serve the exported contexts',
      },
      export: {
        kind: 'flag',
        long: 'export',
        mit: ['export'],
        help: 'export and re-import each context before the messages',
      },
      once: { kind: 'flag', long: 'once', mit: ['once'], help: 'serve one connection, then exit' },
      verbose: {
        kind: 'flag',
        long: 'verbose',
        mit: ['verbose'],
        short: 'v',
        help: "also MIT's verbose lines (tokens in hex, timings)",
      },
      logfile: {
        kind: 'string',
        long: 'logfile',
        mit: ['logfile'],
        value: 'FILE',
        help: 'append the log to FILE (else stdout)',
      },
      delegatedCcache: {
        kind: 'string',
        long: 'delegated-ccache',
        value: 'CCACHE',
        help: 'store delegated credentials into CCACHE',
      },
      maxTokenSize: {
        kind: 'number',
        long: 'max-token-size',
        value: 'BYTES',
        default: D.maxTokenSize,
        help: 'largest frame before authentication (and with -na)',
      },
      maxMessageSize: {
        kind: 'number',
        long: 'max-message-size',
        value: 'BYTES',
        default: D.maxMessageSize,
        help: 'largest frame after authentication',
      },
      handshakeTimeout: {
        kind: 'number',
        long: 'handshake-timeout',
        value: 'SECONDS',
        default: D.handshakeTimeoutMs / 1000,
        help: 'close a connection not established by then',
      },
      idleTimeout: {
        kind: 'number',
        long: 'idle-timeout',
        value: 'SECONDS',
        default: D.idleTimeoutMs / 1000,
        help: 'close an established connection idle that long (0: off)',
      },
      rcache: {
        kind: 'string',
        long: 'rcache',
        value: 'NAME',
        help: 'replay cache: dfl:, file2:PATH, none: or redis://HOST:PORT/DB',
      },
      maxUnauthenticated: {
        kind: 'number',
        long: 'max-unauthenticated',
        value: 'N',
        default: D.maxUnauthenticated,
        help: 'unauthenticated connections at once; more are closed',
      },
    },
  },
  async ({ options: o, operands }) => {
    const limits: ServerLimits = {
      ...D,
      maxTokenSize: o.maxTokenSize,
      maxMessageSize: o.maxMessageSize,
      handshakeTimeoutMs: o.handshakeTimeout * 1000,
      idleTimeoutMs: o.idleTimeout * 1000,
      maxUnauthenticated: o.maxUnauthenticated,
    };
    // MIT's -logfile: appended to, one line per event. Opened once: a descriptor per line failed
    // (and took the listener down) at the descriptor limit.
    let logFd: number | undefined;
    try {
      if (o.logfile) logFd = openSync(o.logfile, 'a', 0o644);
    } catch (e) {
      process.stderr.write(`gss server: cannot open log file: ${(e as Error).message}\n`);
      return 1;
    }
    const log = (line: string) =>
      logFd !== undefined ? writeSync(logFd, `${line}\n`) : process.stderr.write(`${line}\n`);
    const rcName = replayCacheName(o.rcache, process.env);
    let rc: OpenedReplayCache | undefined;
    try {
      if (rcName !== undefined) rc = await openReplayCache(rcName, log);
    } catch (e) {
      const line = replayCacheFailure(rcName ?? '', e);
      if (!line) throw e;
      process.stderr.write(`gss server: ${line}\n`);
      if (logFd !== undefined) closeSync(logFd);
      return 1;
    }
    let srv: Awaited<ReturnType<typeof startSampleServer>>;
    try {
      srv = await startSampleServer({
        service: operands[0],
        port: o.port,
        host: o.host,
        ...(o.keytab ? { keytab: o.keytab } : {}),
        workers: o.workers,
        ...(rc ? { replayCache: rc.cache } : {}),
        exportTest: o.export,
        ...(o.delegatedCcache ? { delegatedCcache: o.delegatedCcache } : {}),
        once: o.once,
        verbose: o.verbose,
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
      rc?.close();
      if (logFd !== undefined) closeSync(logFd);
      // A limit out of range (startSampleServer checks them) is a usage error.
      if (e instanceof RangeError) {
        process.stderr.write(`gss server: ${e.message} (see 'gss server --help')\n`);
        return 2;
      }
      throw e;
    }
    process.stderr.write(
      `starting... (127.0.0.1:${srv.port}${srv.workerPids.length ? `, workers ${srv.workerPids.join(' ')}` : ''}${rc ? `, replay cache ${rc.description}` : ''})\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (o.once) srv.closed.then(stop);
    });
    await srv.close();
    rc?.close();
    if (logFd !== undefined) closeSync(logFd);
    return 0;
  },
);
