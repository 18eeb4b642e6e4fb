/**
 * One process of a fleet for test/interop/fleet-redis.test.ts: it shares nothing with the others
 * but a Redis server (FLEET_REDIS_URL) and the context store's sealing key (FLEET_KEY, hex). JSON
 * lines on stdin and stdout: accept (with the Redis replay cache), put (accept, then export into
 * the store), take (import from the store), wrap, unwrap. Failures come back as
 * { major, minor, message }.
 */
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { GssError } from '../../src/errors/status.js';
import { ContextStore } from '../../src/fleet/context-store.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { RedisReplayCache } from '../../src/krb5/rcache/redis.js';
import { fromHex, toHex } from '../../src/util/bytes.js';

// docs/fleet.md: no offline queue, so that a command fails at once while Redis is unreachable
// instead of waiting for it and then running late.
const client = createClient({
  url: process.env.FLEET_REDIS_URL,
  disableOfflineQueue: true,
  socket: { reconnectStrategy: (retries: number) => Math.min(50 * (retries + 1), 300) },
});
client.on('error', () => undefined); // reconnects by itself; each command reports its own failure
await client.connect();

const timeoutMs = Number(process.env.FLEET_TIMEOUT_MS ?? 1000);
const logged: string[] = [];
const replayCache = new RedisReplayCache({
  client,
  timeoutMs,
  failOpen: process.env.FLEET_FAIL_OPEN === '1',
  log: (m) => logged.push(m),
});
const store = new ContextStore({ client, key: fromHex(process.env.FLEET_KEY ?? ''), timeoutMs });
let ctx: SecurityContext | undefined;

async function accept(token: string): Promise<{ output: string | null }> {
  const credentials = await Credentials.acquire({ usage: 'accept', replayCache });
  ctx = SecurityContext.accept({ credentials });
  const out = await ctx.step(fromHex(token));
  return { output: out ? toHex(out) : null };
}

async function handle(req: Record<string, string>): Promise<Record<string, unknown>> {
  switch (req.op) {
    case 'accept':
      return { ...(await accept(req.token)), logged: logged.splice(0) };
    case 'put': {
      const r = await accept(req.token);
      if (!ctx) throw new Error('no context');
      const lifetime = ctx.lifetime;
      await store.putContext(req.id, ctx);
      return { ...r, lifetime };
    }
    case 'take':
      ctx = await store.takeContext(req.id);
      return { found: ctx !== undefined };
    case 'wrap':
      return { token: toHex(ctx!.wrap(fromHex(req.message), { confidential: true })) };
    case 'unwrap':
      return { message: toHex(ctx!.unwrap(fromHex(req.token)).message) };
    case 'pid':
      return { pid: process.pid };
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  let answer: Record<string, unknown>;
  try {
    answer = await handle(JSON.parse(line));
  } catch (e) {
    answer =
      e instanceof GssError
        ? { major: e.major, minor: e.minor, message: e.message }
        : { escaped: String((e as Error)?.stack ?? e) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
client.destroy();
