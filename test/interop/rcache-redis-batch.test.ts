/**
 * The Redis replay cache's batching against the real redis-server (Debian's, on a free loopback
 * port, append-only file with appendfsync always): the stores of one turn of the event loop go
 * as one script (EVALSHA, EVAL the first time the server meets it), each tag accepted exactly
 * once even when it comes twice in one batch, each key kept for its window, and every key of a
 * batch still there after Redis is killed with SIGKILL and started again. `batch: false` sends
 * one SET per store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { RedisReplayCache } from '../../src/krb5/rcache/redis.js';
import { type RedisServer, redisSkip, startRedis } from '../harness/redis.js';

const WINDOW_MS = 300_000;
const tagOf = (run: number, i: number) => {
  const t = new Uint8Array(12);
  const v = new DataView(t.buffer);
  v.setUint32(0, run);
  v.setUint32(4, i);
  v.setUint32(8, 0xa5a5a5a5);
  return t;
};

describe('Redis replay cache: one script per turn of the event loop', { skip: redisSkip() }, () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;

  before(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on('error', () => undefined);
    await client.connect();
  });
  after(async () => {
    client?.destroy();
    await redis?.stop();
  });

  async function calls(): Promise<Record<string, number>> {
    const info = String(await client.sendCommand(['INFO', 'commandstats']));
    const out: Record<string, number> = {};
    for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) out[m[1]] = Number(m[2]);
    return out;
  }
  const delta = (a: Record<string, number>, b: Record<string, number>, k: string) =>
    (b[k] ?? 0) - (a[k] ?? 0);

  async function burst(cache: RedisReplayCache, run: number, n: number): Promise<boolean[]> {
    const now = Date.now();
    // Each tag twice in the same turn: the second is a replay of the first.
    const stores = [];
    for (let i = 0; i < n; i++) stores.push(cache.checkAndStore(tagOf(run, i), now + WINDOW_MS, now));
    for (let i = 0; i < n; i++) stores.push(cache.checkAndStore(tagOf(run, i), now + WINDOW_MS, now));
    return Promise.all(stores);
  }

  it('sends a burst as one EVAL, then EVALSHA, and accepts each tag once', async () => {
    await client.sendCommand(['SCRIPT', 'FLUSH']);
    const cache = new RedisReplayCache({ client });
    const c0 = await calls();
    const first = await burst(cache, 1, 32);
    assert.deepEqual(first, [...Array(32).fill(true), ...Array(32).fill(false)]);
    const c1 = await calls();
    assert.equal(delta(c0, c1, 'evalsha'), 1, 'tried by its SHA-1 first');
    assert.equal(delta(c0, c1, 'eval'), 1, 'NOSCRIPT, so sent once');
    const second = await burst(cache, 2, 32);
    assert.deepEqual(second, [...Array(32).fill(true), ...Array(32).fill(false)]);
    const c2 = await calls();
    assert.equal(delta(c1, c2, 'evalsha'), 1, 'the cached script, by its SHA-1');
    assert.equal(delta(c1, c2, 'eval'), 0);
    // The earlier burst's tags are replays now, in a burst or alone.
    assert.deepEqual(await burst(cache, 1, 32), Array(64).fill(false));
    const now = Date.now();
    assert.equal(await cache.checkAndStore(tagOf(1, 5), now + WINDOW_MS, now), false);
    const ttls = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        client.pTTL(`gssapi-ts:rc:${Buffer.from(tagOf(2, i)).toString('hex')}`),
      ),
    );
    assert.ok(
      ttls.every((t) => t > WINDOW_MS - 30_000 && t <= WINDOW_MS),
      String(ttls),
    );
  });

  it('keeps every key of a batch across a crash (SIGKILL) with appendfsync always', async () => {
    const cache = new RedisReplayCache({ client });
    assert.deepEqual((await burst(cache, 3, 40)).slice(0, 40), Array(40).fill(true));
    await redis.kill();
    await redis.start();
    for (let i = 0; i < 50 && !client.isReady; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(client.isReady, 'the client reconnected');
    assert.deepEqual(await burst(cache, 3, 40), Array(80).fill(false), 'all replays after the restart');
    const ttl = await client.pTTL(`gssapi-ts:rc:${Buffer.from(tagOf(3, 7)).toString('hex')}`);
    assert.ok(ttl > 0 && ttl <= WINDOW_MS, `the expiry survived too (${ttl})`);
  });

  it('fails closed for the whole batch when Redis is down', async () => {
    const cache = new RedisReplayCache({ client, timeoutMs: 500 });
    await redis.kill();
    try {
      const now = Date.now();
      const stores = Array.from({ length: 8 }, (_, i) =>
        Promise.resolve(cache.checkAndStore(tagOf(4, i), now + WINDOW_MS, now)).then(
          () => 'accepted',
          (e: unknown) => (e instanceof GssError && e.minor === MINOR.KRB5_RC_IO ? 'refused' : String(e)),
        ),
      );
      assert.deepEqual(await Promise.all(stores), Array(8).fill('refused'));
    } finally {
      await redis.start();
      for (let i = 0; i < 50 && !client.isReady; i++) await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('sends one SET per store with batch: false (for Redis Cluster)', async () => {
    const cache = new RedisReplayCache({ client, batch: false });
    const c0 = await calls();
    const got = await burst(cache, 5, 10);
    assert.deepEqual(got, [...Array(10).fill(true), ...Array(10).fill(false)]);
    const c1 = await calls();
    assert.equal(delta(c0, c1, 'set'), 20);
    assert.equal(delta(c0, c1, 'evalsha') + delta(c0, c1, 'eval'), 0);
  });
});
