/**
 * `gss server`: MIT gss-server's service over its wire protocol, on 127.0.0.1 by default. With
 * `workers > 0` it is the seed's scenario: this process accepts each connection and establishes
 * the context, exports it sealed, and passes the token and the socket to a worker process, which
 * imports it and serves the messages (src/sample/worker.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { randomBytes } from '../crypto/index.js';
import { GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import { exportSecContext, importSecContext } from '../gssapi/context/export.js';
import { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { displayStatusLines, printTokenLines } from './display.js';
import { displayContextFlags } from './flags.js';
import { type MessageReport, serveMessages } from './messages.js';
import { WorkerPool, type WorkerSpec } from './pool.js';
import {
  ConnectionClosedError,
  FrameStream,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_NOOP,
} from './protocol.js';

export interface SampleServerOptions {
  /** Host-based service name, e.g. `gsstest@localhost`. */
  service: string;
  port?: number;
  host?: string;
  /** Acceptor keytab (else KRB5_KTNAME or the default keytab). */
  keytab?: string;
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
}

export interface SampleServer {
  readonly port: number;
  readonly workerPids: readonly number[];
  /** Resolves when the listener has closed (after --once, or close()). */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export async function startSampleServer(opts: SampleServerOptions): Promise<SampleServer> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const credentials = await Credentials.acquire({
    usage: 'accept',
    name: Name.hostbased(opts.service),
    ...(opts.keytab ? { keytab: opts.keytab } : {}),
  });
  const sealKey = randomBytes(32);
  const pool = opts.workers ? await WorkerPool.start(opts.workers, sealKey, opts.worker, log) : undefined;
  const active = new Set<Promise<void>>();
  let server: Server;

  const handle = async (socket: Socket): Promise<void> => {
    const event: ConnectionEvent = { flags: 0 };
    const stream = new FrameStream(socket);
    try {
      const ctx = await establish(stream, credentials, log, opts.verbose ?? false, event);
      (opts.stdout ?? log)(
        ctx ? `Accepted connection: "${event.client}"` : 'Accepted unauthenticated connection.',
      );
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
        const result = await pool.dispatch(token, stream, opts.verbose);
        event.workerPid = result.pid;
        event.report = result.report;
        if (result.error) event.error = result.error;
      } else {
        event.report = await serveMessages(stream, ctx, log, opts.verbose);
      }
    } catch (e) {
      if (e instanceof ConnectionClosedError && e.logLine) log(e.logLine);
      event.error = e instanceof Error ? e.message : String(e);
    } finally {
      if (!event.workerPid) stream.close();
      opts.onConnection?.(event);
    }
  };

  // highWaterMark 0: nothing is read ahead of the frames asked for (see FrameStream).
  server = createServer({ pauseOnConnect: true, highWaterMark: 0 }, (socket) => {
    const p = handle(socket).finally(() => {
      active.delete(p);
      if (opts.once) server.close();
    });
    active.add(p);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const closed = new Promise<void>((r) => server.once('close', () => r()));
  return {
    port,
    workerPids: pool?.pids ?? [],
    closed,
    async close() {
      if (server.listening) server.close();
      await closed;
      await Promise.allSettled([...active]);
      await pool?.stop();
    },
  };
}

/** MIT's server_establish_context: NOOP (with CONTEXT_NEXT unless unauthenticated), then tokens. */
async function establish(
  stream: FrameStream,
  credentials: Credentials,
  log: (line: string) => void,
  verbose: boolean,
  event: ConnectionEvent,
): Promise<SecurityContext | undefined> {
  const first = await stream.recv();
  if (!(first.flags & TOKEN_NOOP)) {
    log(`Expected NOOP token, got ${first.flags} token instead`);
    throw new Error('expected a NOOP token');
  }
  if (!(first.flags & TOKEN_CONTEXT_NEXT)) {
    log('Accepted unauthenticated connection.');
    return undefined;
  }
  const ctx = SecurityContext.accept({ credentials });
  while (!ctx.isEstablished) {
    const { token } = await stream.recv();
    if (verbose)
      for (const l of [`Received token (size=${token.length}): `, ...printTokenLines(token)]) log(l);
    const reply = (out: Uint8Array) => {
      if (verbose) {
        for (const l of [`Sending accept_sec_context token (size=${out.length}):`, ...printTokenLines(out)])
          log(l);
      }
      stream.send(TOKEN_CONTEXT, out);
    };
    let out: Uint8Array | undefined;
    try {
      out = await ctx.step(token);
    } catch (e) {
      const errToken = ctx.errorToken;
      if (errToken?.length) reply(errToken);
      for (const line of displayStatusLines('accepting context', e)) log(line);
      throw e;
    }
    if (out?.length) reply(out);
    if (verbose) log(ctx.isEstablished ? '' : 'continue needed...');
  }
  event.flags = ctx.flags;
  for (const line of displayContextFlags(ctx.flags)) log(line);
  if (verbose) log('Accepted connection using mechanism OID { 1 2 840 113554 1 2 2 }.');
  event.client = ctx.initiatorName.toString();
  return ctx;
}
