/**
 * One acceptor process of bench/fleet.ts's scaling run: makes COUNT AP-REQs (untimed), warms up
 * on 1000 more (memory cache), says "ready", waits for "go", accepts them CONCURRENCY at a time with the Redis replay cache, then
 * prints "done ACCEPTS MILLISECONDS".
 */
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { SecurityContext } from '../src/gssapi/context/context.js';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { Name } from '../src/gssapi/names/names.js';
import { MemoryReplayCache } from '../src/krb5/rcache/memory.js';
import { RedisReplayCache } from '../src/krb5/rcache/redis.js';
import { acceptAll } from './fleet-accept.js';

const count = Number(process.env.COUNT ?? 400);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const client = createClient({ url: process.env.FLEET_REDIS_URL, disableOfflineQueue: true });
client.on('error', () => undefined);
await client.connect();
const initiator = await Credentials.acquire({ usage: 'initiate' });
const acceptor = await Credentials.acquire({
  usage: 'accept',
  replayCache: new RedisReplayCache({ client }),
});
const target = Name.hostbased('gsstest@localhost');
async function apReqs(n: number): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const init = SecurityContext.initiate({ target, credentials: initiator, mutual: true });
    const t = await init.step();
    if (!t) throw new Error('no AP-REQ');
    out.push(t);
    init.delete();
  }
  return out;
}
const makeWarmUp = () => apReqs(1000);
const tokens = await apReqs(count);
// Warm-up on AP-REQs of their own, so that every process measures a steady state.
const warm = await Credentials.acquire({ usage: 'accept', replayCache: new MemoryReplayCache() });
await acceptAll(await makeWarmUp(), warm, concurrency);
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  const t0 = performance.now();
  const n = await acceptAll(tokens, acceptor, concurrency);
  process.stdout.write(`done ${n} ${(performance.now() - t0).toFixed(1)}\n`);
  break;
}
client.destroy();
