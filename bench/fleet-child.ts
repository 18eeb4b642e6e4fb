/**
 * One acceptor process of bench/fleet-scale.ts: makes COUNT AP-REQs (untimed), warms up on 500
 * more (memory cache), says "ready", waits for "go", accepts them CONCURRENCY at a time with the
 * replay cache FLEET_CACHE (memory, file: the file2 file FLEET_FILE, redis: FLEET_REDIS_URL),
 * then prints "done ACCEPTS MILLISECONDS CPU_SECONDS HELPER_CPU_SECONDS".
 */
import { createInterface } from 'node:readline';
import { createClient } from 'redis';
import { SecurityContext } from '../src/gssapi/context/context.js';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { Name } from '../src/gssapi/names/names.js';
import { FileReplayCache } from '../src/krb5/rcache/file.js';
import { MemoryReplayCache } from '../src/krb5/rcache/memory.js';
import { RedisReplayCache } from '../src/krb5/rcache/redis.js';
import type { ReplayCache } from '../src/krb5/rcache/replay-cache.js';
import { acceptAll, childPids, processCpu } from './fleet-accept.js';
import { cpuSeconds } from './gss-ours.js';

const count = Number(process.env.COUNT ?? 400);
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const kind = process.env.FLEET_CACHE ?? 'redis';
const client =
  kind === 'redis'
    ? createClient({ url: process.env.FLEET_REDIS_URL, disableOfflineQueue: true })
    : undefined;
client?.on('error', () => undefined);
await client?.connect();
const file = kind === 'file' ? new FileReplayCache(process.env.FLEET_FILE ?? '') : undefined;
const cache: ReplayCache = client ? new RedisReplayCache({ client }) : (file ?? new MemoryReplayCache());
const initiator = await Credentials.acquire({ usage: 'initiate' });
const acceptor = await Credentials.acquire({ usage: 'accept', replayCache: cache });
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
const tokens = await apReqs(count);
// Warm-up on AP-REQs of their own, so that every process measures a steady state; then a few
// accepts with the cache itself (its connection, its lock helper).
const warm = await Credentials.acquire({ usage: 'accept', replayCache: new MemoryReplayCache() });
await acceptAll(await apReqs(500), warm, concurrency);
await acceptAll(await apReqs(20), acceptor, concurrency);
process.stdout.write('ready\n');
const helperCpu = () => childPids('perl').reduce((s, p) => s + processCpu(p), 0);
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'go') continue;
  const h0 = helperCpu();
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const n = await acceptAll(tokens, acceptor, concurrency);
  const ms = performance.now() - t0;
  process.stdout.write(
    `done ${n} ${ms.toFixed(1)} ${(cpuSeconds() - c0).toFixed(4)} ${(helperCpu() - h0).toFixed(4)}\n`,
  );
  break;
}
file?.close();
client?.destroy();
