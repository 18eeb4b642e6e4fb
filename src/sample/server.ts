/**
 * `gss server`: MIT gss-server's service over its wire protocol, on 127.0.0.1 by default. With
 * `workers > 0` it is the seed's scenario: this process accepts each connection and establishes
 * the context, exports it sealed, and passes the token and the socket to a worker process, which
 * imports it and serves the messages (src/sample/worker.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from '../crypto/index.js';
import { GssError } from '../errors/status.js';
import { exportSecContext, importSecContext } from '../gssapi/context/export.js';
import { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import type { ReplayCache } from '../krb5/rcache/replay-cache.js';
import { establish } from './establish.js';
import {
  armIdleTimeout,
  ConnectionTimeoutError,
  limitLogLine,
  resolveLimits,
  type ServerLimits,
} from './limits.js';
import { type MessageReport, serveMessages } from './messages.js';
import { WorkerPool, type WorkerSpec } from './pool.js';
import { ConnectionClosedError, FrameStream } from './protocol.js';

export interface SampleServerOptions {
  /** Host-based service name, e.g. `gsstest@localhost`. */
  service: string;
  port?: number;
  host?: string;
  /** Acceptor keytab (else KRB5_KTNAME or the default keytab). */
  keytab?: string;
  /**
   * The acceptor's replay cache (default: the process's, src/krb5/rcache/default.ts). With
   * workers it is the listener's: the listener accepts, the workers only import.
   */
  replayCache?: ReplayCache;
  /** Worker processes that import the exported contexts (0: serve in this process). */
  workers?: number;
  /** How to start a worker (default: this program again with the hidden `worker` command). */
  worker?: WorkerSpec;
  /** As MIT's -export: export and re-import the context three times in this process. */
  exportTest?: boolean;
  /**
   * Store the credentials a client delegates (GSS_C_DELEG_FLAG) into this ccache, e.g.
   * `FILE:/tmp/deleg`, so they can be used to reach another service (MIT's gss-server only
   * reports the flag). Each delegating connection overwrites it.
   */
  delegatedCcache?: string;
  /** Serve one connection, then close. */
  once?: boolean;
  verbose?: boolean;
  /** Log lines (MIT's logfile); default: stdout. */
  log?: (line: string) => void;
  /**
   * The lines MIT's gss-server prints to stdout rather than its log file: 'Accepted connection:
   * "..."' and a second 'Accepted unauthenticated connection.'. Default: `log`, which is what MIT
   * does when the log is stdout.
   */
  stdout?: (line: string) => void;
  /** Called once per connection when it is done. */
  onConnection?: (event: ConnectionEvent) => void;
  /** Sizes, timeouts and caps (src/sample/limits.ts); each absent one has its default. */
  limits?: Partial<ServerLimits>;
}

export interface ConnectionEvent {
  client?: string;
  flags: number;
  /** The ccache the delegated credentials were stored into (with `delegatedCcache`). */
  delegatedStored?: string;
  /** Size of the sealed interprocess token, when a worker served the connection. */
  exportedBytes?: number;
  /** The worker's pid, when a worker served the connection. */
  workerPid?: number;
  /** What using the exporter's handle after export gave (it must be GSS_S_NO_CONTEXT). */
  exporterAfterExport?: string;
  report?: MessageReport;
  error?: string;
  /** The peer's address and port. */
  peer?: string;
}

export interface SampleServer {
  readonly port: number;
  readonly workerPids: readonly number[];
  /** Resolves when the listener has closed (after --once, or close()). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function startSampleServer(opts: SampleServerOptions): Promise<SampleServer> {
  const limits = resolveLimits(opts.limits);
  const log = guarded(opts.log ?? ((line: string) => process.stdout.write(`${line}\n`)));
  const stdout = opts.stdout ? guarded(opts.stdout) : log;
  const credentials = await Credentials.acquire({
    usage: 'accept',
    name: Name.hostbased(opts.service),
    ...(opts.keytab ? { keytab: opts.keytab } : {}),
    ...(opts.replayCache ? { replayCache: opts.replayCache } : {}),
  });
  const sealKey = randomBytes(32);
  const pool = opts.workers ? await WorkerPool.start(opts.workers, sealKey, opts.worker, log) : undefined;
  const active = new Set<Promise<void>>();
  let unauthenticated = 0;
  let server: Server;

  const handle = async (socket: Socket, peer: string): Promise<void> => {
    const event: ConnectionEvent = { flags: 0, peer };
    // Counted until authenticated; an unauthenticated (-na) client stays counted to the end.
    unauthenticated++;
    let counted = true;
    const authenticated = () => {
      if (counted) unauthenticated--;
      counted = false;
    };
    const stream = new FrameStream(socket, undefined, limits.maxTokenSize);
    const deadline = limits.handshakeTimeoutMs
      ? setTimeout(() => {
          const s = limits.handshakeTimeoutMs / 1000;
          stream.abort(
            new ConnectionTimeoutError(`no context established within ${s} s (--handshake-timeout)`),
          );
        }, limits.handshakeTimeoutMs)
      : undefined;
    try {
      const ctx = await establish(stream, credentials, log, opts.verbose ?? false, event);
      clearTimeout(deadline);
      stdout(ctx ? `Accepted connection: "${event.client}"` : 'Accepted unauthenticated connection.');
      if (ctx) {
        authenticated();
        stream.limit = limits.maxMessageSize;
      }
      // An unauthenticated client has the handshake's time between its messages.
      armIdleTimeout(stream, ctx ? limits.idleTimeoutMs : limits.idleTimeoutMs || limits.handshakeTimeoutMs);
      const delegated = ctx?.delegatedCredentials;
      if (delegated && opts.delegatedCcache) {
        // Before any export: the delegated credentials stay with this process's context.
        await delegated.storeInto(opts.delegatedCcache);
        event.delegatedStored = opts.delegatedCcache;
      }
      if (ctx && opts.exportTest) {
        let current = ctx;
        const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(4).padStart(7);
        for (let i = 0; i < 3; i++) {
          // MIT test_import_export_context, with its verbose lines.
          const t1 = performance.now();
          const token = exportSecContext(current);
          if (opts.verbose) log(`Exported context: ${token.length} bytes, ${seconds(t1)} seconds`);
          const t2 = performance.now();
          current = importSecContext(token);
          if (opts.verbose) log(`Importing context: ${seconds(t2)} seconds`);
        }
        event.report = await serveMessages(stream, current, log, opts.verbose);
      } else if (ctx && pool) {
        const token = exportSecContext(ctx, { key: sealKey });
        event.exportedBytes = token.length;
        try {
          ctx.flags;
        } catch (e) {
          event.exporterAfterExport = e instanceof GssError ? e.code : String(e);
        }
        socket.setTimeout(0); // the worker keeps its own
        const result = await pool.dispatch(token, stream, {
          verbose: opts.verbose === true,
          idleTimeoutMs: limits.idleTimeoutMs,
          maxMessageSize: limits.maxMessageSize,
        });
        event.workerPid = result.pid;
        event.report = result.report;
        if (result.error) event.error = result.error;
      } else {
        event.report = await serveMessages(stream, ctx, log, opts.verbose);
      }
    } catch (e) {
      const line =
        limitLogLine(e, peer, !counted) ?? (e instanceof ConnectionClosedError ? e.logLine : undefined);
      if (line) log(line);
      event.error = e instanceof Error ? e.message : String(e);
    } finally {
      clearTimeout(deadline);
      authenticated();
      if (!event.workerPid) stream.close();
      try {
        opts.onConnection?.(event);
      } catch {
        // The caller's callback must not take the listener down.
      }
    }
  };

  // highWaterMark 0: nothing is read ahead of the frames asked for (see FrameStream).
  server = createServer({ pauseOnConnect: true, highWaterMark: 0 }, (socket) => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on('error', () => {}); // reported through FrameStream; never an uncaught 'error'
    if (unauthenticated >= limits.maxUnauthenticated) {
      log(
        `refused the connection from ${peer}: ${unauthenticated} connections not yet authenticated (--max-unauthenticated)`,
      );
      socket.destroy();
      return;
    }
    const p = handle(socket, peer).finally(() => {
      active.delete(p);
      if (opts.once) server.close();
    });
    active.add(p);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, an error (EMFILE from accept) is one refused connection, not the end.
  server.on('error', throttled(log));
  const port = (server.address() as { port: number }).port;
  const closed = new Promise<void>((r) => server.once('close', () => r()));
  return {
    port,
    get workerPids() {
      return pool?.pids ?? [];
    },
    closed,
    async close() {
      if (server.listening) server.close();
      await closed;
      await Promise.allSettled([...active]);
      await pool?.stop();
    },
  };
}

/** A log that cannot throw into a connection's handler (a full disk, a closed descriptor). */
function guarded(log: (line: string) => void): (line: string) => void {
  return (line) => {
    try {
      log(line);
    } catch (e) {
      try {
        process.stderr.write(`gss server: could not log a line: ${(e as Error).message}\n`);
      } catch {
        // Nowhere left to say it.
      }
    }
  };
}

/** Logs listener errors, at most one line a second (EMFILE repeats for every waiting connection). */
function throttled(log: (line: string) => void): (e: Error) => void {
  let last = 0;
  let quiet = 0;
  return (e) => {
    const now = Date.now();
    if (now - last < 1000) {
      quiet++;
      return;
    }
    log(`listener: ${e.message}${quiet ? ` (and ${quiet} more)` : ''}; serving on`);
    last = now;
    quiet = 0;
  };
}
