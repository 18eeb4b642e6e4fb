/**
 * The Redis client the shared replay cache and context store use, typed by shape so that the core
 * imports no client library: node-redis (`redis` on npm, the maintained client and our tested
 * peer) satisfies it as it is (`createClient()`); any other client fits in a line (ioredis:
 * `{ sendCommand: (args) => redis.call(args[0], ...args.slice(1)) }`). Replies are strings or
 * null, as RESP2 and RESP3 give them for SET and GETDEL.
 */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';

/**
 * The one call gssapi-ts needs of a Redis client, typed structurally: node-redis's `sendCommand`
 * has this shape; other clients fit with a one-line adapter.
 */
export interface RedisCommandClient {
  /** Sends one command (`args[0]` is its name) and resolves to the reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** How long a command may take before the caller is told Redis is unavailable (ms). */
export const DEFAULT_REDIS_TIMEOUT_MS = 2000;

/**
 * One command with a deadline. A client that queues commands while disconnected (node-redis
 * does, by default) would otherwise hold an accept until Redis came back.
 */
export function redisCommand(
  client: RedisCommandClient,
  args: string[],
  timeoutMs: number,
  what: string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown) =>
      reject(new GssError(GSS_S_FAILURE, MINOR.KRB5_RC_IO, `${what}: Redis unavailable (${why})`, { cause }));
    const timer = setTimeout(() => fail(`no answer in ${timeoutMs} ms`), timeoutMs);
    let sent: Promise<unknown>;
    try {
      sent = client.sendCommand(args);
    } catch (e) {
      clearTimeout(timer);
      fail((e as Error)?.message ?? String(e), e);
      return;
    }
    sent.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        fail((e as Error)?.message ?? String(e), e);
      },
    );
  });
}
