/**
 * A `gss server` worker: imports each exported context it is handed, with the listener's sealing
 * key, and serves the connection's messages on the socket that came with it.
 */
import type { Socket } from 'node:net';
import { importSecContext } from '../gssapi/context/export.js';
import { serveMessages } from './messages.js';
import type { FromWorker, ToWorker } from './pool.js';
import { ConnectionClosedError, FrameStream } from './protocol.js';

export function runWorker(): Promise<number> {
  return new Promise((resolve) => {
    let key: Uint8Array | undefined;
    const send = (m: FromWorker) => process.send?.(m);
    const log = (line: string) => send({ type: 'log', line });
    process.on('message', (m: ToWorker, socket?: Socket) => {
      if (m.type === 'init') {
        key = m.key;
        send({ type: 'ready' });
        return;
      }
      if (m.type !== 'context' || !socket) return;
      const stream = new FrameStream(socket, m.pending);
      (async () => {
        try {
          const ctx = importSecContext(m.token, key ? { key } : {});
          m.token.fill(0);
          log(`imported context of "${ctx.initiatorName.toString()}" (${m.token.length} byte token)`);
          const report = await serveMessages(stream, ctx, log, m.verbose === true);
          send({ type: 'done', id: m.id, report });
        } catch (e) {
          if (e instanceof ConnectionClosedError && e.logLine) log(e.logLine);
          send({ type: 'done', id: m.id, error: e instanceof Error ? e.message : String(e) });
        } finally {
          stream.close();
        }
      })();
    });
    process.on('disconnect', () => {
      key?.fill(0);
      resolve(0);
    });
  });
}
