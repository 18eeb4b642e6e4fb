/**
 * A `gss server` worker: imports each exported context it is handed, with the listener's sealing
 * key, and serves the connection's messages on the socket that came with it.
 */
import type { Socket } from 'node:net';
import { importSecContext } from '../gssapi/context/export.js';
import { armIdleTimeout, limitLogLine } from './limits.js';
import { serveMessages } from './messages.js';
import type { FromWorker, ToWorker } from './pool.js';
import { ConnectionClosedError, FrameStream } from './protocol.js';

/** How long a worker's log line may wait for the next message to the listener. */
const LOG_BATCH_MS = 50;

export function runWorker(): Promise<number> {
  return new Promise((resolve) => {
    let key: Uint8Array | undefined;
    const send = (m: FromWorker, then?: (sent: boolean) => void) =>
      process.send?.(m, undefined, {}, (err: Error | null) => then?.(!err));
    // Log lines leave in batches: with the connection's 'done', or LOG_BATCH_MS after the first
    // line of a batch (a connection still being served). One IPC message per line was the
    // largest cost of a hand-off (docs/performance.md, "The worker hand-off").
    let lines: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const take = () => {
      clearTimeout(timer);
      timer = undefined;
      const out = lines;
      lines = [];
      return out;
    };
    const log = (line: string) => {
      lines.push(line);
      timer ??= setTimeout(() => send({ type: 'log', lines: take() }), LOG_BATCH_MS);
    };
    process.on('message', (m: ToWorker, socket?: Socket) => {
      if (m.type === 'init') {
        key = m.key;
        send({ type: 'ready' });
        return;
      }
      if (m.type !== 'context' || !socket) return;
      // Not a byte is read before the listener knows this process has the socket (src/sample/pool.ts).
      const stream = new FrameStream(socket, m.pending, m.maxMessageSize);
      socket.on('error', () => {}); // reported through FrameStream
      // Unsent, the listener still owns the connection (it hands it on when this process is gone).
      send({ type: 'taken', id: m.id }, (sent) => (sent ? serve(m, stream) : stream.socket.destroy()));
    });

    const serve = async (m: ToWorker & { type: 'context' }, stream: FrameStream) => {
      const peer = `${stream.socket.remoteAddress}:${stream.socket.remotePort}`;
      try {
        const ctx = importSecContext(m.token, key ? { key } : {});
        m.token.fill(0);
        log(`imported context of "${ctx.initiatorName.toString()}" (${m.token.length} byte token)`);
        armIdleTimeout(stream, m.idleTimeoutMs);
        const report = await serveMessages(stream, ctx, log, m.verbose);
        send({ type: 'done', id: m.id, report, lines: take() });
      } catch (e) {
        const line =
          limitLogLine(e, peer, true) ?? (e instanceof ConnectionClosedError ? e.logLine : undefined);
        if (line) log(line);
        send({ type: 'done', id: m.id, error: e instanceof Error ? e.message : String(e), lines: take() });
      } finally {
        stream.close();
      }
    };
    process.on('disconnect', () => {
      clearTimeout(timer);
      key?.fill(0);
      resolve(0);
    });
  });
}
