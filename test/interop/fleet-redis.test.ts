/**
 * A fleet on one Redis (redis-server from Debian, started here on a free loopback port) with a
 * throwaway MIT realm issuing the tickets: acceptor processes (./fleet-worker.ts) that share
 * nothing but Redis and a sealing key. The same AP-REQ sent to two acceptors is accepted once;
 * with Redis killed (SIGKILL) they fail closed, and when it is back they accept again and still
 * refuse what was accepted before the crash (append-only file, appendfsync always); fail-open
 * accepts and logs. The context store: process A accepts and puts, process B takes, imports and
 * carries on the exchange with the client; a second take finds nothing; a token tampered in
 * Redis is refused; the stored key lives no longer than the context.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { MINOR } from '../../src/errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Name } from '../../src/gssapi/names/names.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { interopSkip, type Realm, startRealm, track } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type RedisServer, redisSkip, startRedis } from '../harness/redis.js';

const WORKER = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
type Answer = Record<string, unknown> & { major?: number; minor?: number; escaped?: string };

interface Worker {
  call(req: Record<string, unknown>): Promise<Answer>;
  close(): Promise<void>;
}

function startWorker(env: NodeJS.ProcessEnv): Worker {
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', WORKER], { env, stdio: ['pipe', 'pipe', 'pipe'] }),
  );
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => waiting.shift()?.(l));
  return {
    call: (req) =>
      new Promise((resolve, reject) => {
        const onExit = () => reject(new Error(`fleet worker exited: ${stderr}`));
        child.once('exit', onExit);
        waiting.push((l) => {
          child.off('exit', onExit);
          const a = JSON.parse(l) as Answer;
          if (a.escaped) reject(new Error(`not a GssError: ${a.escaped}`));
          else resolve(a);
        });
        child.stdin!.write(`${JSON.stringify(req)}\n`);
      }),
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

const skip = interopSkip() || redisSkip();

describe('a fleet on Redis: shared replay cache and context store', { skip }, () => {
  let realm: Realm;
  let redis: RedisServer;
  let a: Worker;
  let b: Worker;
  const key = toHex(crypto.getRandomValues(new Uint8Array(32)));
  let restoreEnv = () => {};

  before(async () => {
    realm = await startRealm();
    redis = await startRedis();
    restoreEnv = adoptRealmEnv(realm.env);
    const env = { ...realm.env, FLEET_REDIS_URL: redis.url, FLEET_KEY: key };
    a = startWorker(env);
    b = startWorker(env);
    assert.notEqual((await a.call({ op: 'pid' })).pid, (await b.call({ op: 'pid' })).pid);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    restoreEnv();
    await redis?.stop();
    await realm?.stop();
  });

  async function apReq(): Promise<{ init: SecurityContext; token: string }> {
    const init = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      mutual: true,
      confidentiality: true,
    });
    const t = await init.step();
    assert.ok(t);
    return { init, token: toHex(t) };
  }

  const isReplay = (r: Answer) => r.major === GSS_S_FAILURE && r.minor === MINOR.KRB5KRB_AP_ERR_REPEAT;
  const isUnavailable = (r: Answer) => r.major === GSS_S_FAILURE && r.minor === MINOR.KRB5_RC_IO;

  it('accepts an AP-REQ sent to two acceptor processes exactly once', async () => {
    for (let i = 0; i < 6; i++) {
      const { token } = await apReq();
      // Sent to both at once, so that the two SETs race in Redis.
      const [ra, rb] = await Promise.all([a.call({ op: 'accept', token }), b.call({ op: 'accept', token })]);
      const accepted = [ra, rb].filter((r) => r.major === undefined);
      assert.equal(accepted.length, 1, JSON.stringify([ra, rb]));
      assert.ok([ra, rb].some(isReplay), JSON.stringify([ra, rb]));
    }
  });

  it('keeps each tag for the clock-skew window, as one key', async () => {
    const c = createClient({ url: redis.url });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const before = Number(await c.dbSize());
      const { token } = await apReq();
      assert.equal((await a.call({ op: 'accept', token })).major, undefined);
      assert.equal(Number(await c.dbSize()), before + 1);
      const keys = await c.keys('gssapi-ts:rc:*');
      const ttls = await Promise.all(keys.map((k) => c.pTTL(k)));
      // clockskew is MIT's default, 300 s.
      assert.ok(
        ttls.every((t) => t > 290_000 && t <= 300_000),
        String(ttls),
      );
    } finally {
      c.destroy();
    }
  });

  it('fails closed while Redis is down, recovers, and refuses replays across the crash', async () => {
    const before = await apReq();
    assert.equal((await a.call({ op: 'accept', token: before.token })).major, undefined);
    await redis.kill();
    const during = await apReq();
    const ra = await a.call({ op: 'accept', token: during.token });
    const rb = await b.call({ op: 'accept', token: before.token });
    assert.ok(isUnavailable(ra), JSON.stringify(ra));
    assert.ok(isUnavailable(rb), JSON.stringify(rb));
    assert.match(String(ra.message), /Redis unavailable/);
    await redis.start();
    // The clients reconnect by themselves (backoff up to 300 ms); give them a moment.
    let back: Answer = {};
    for (let i = 0; i < 50; i++) {
      back = await a.call({ op: 'accept', token: (await apReq()).token });
      if (!isUnavailable(back)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(back.major, undefined, JSON.stringify(back));
    // Accepted before the crash: still a replay to either process (the AOF kept the key).
    assert.ok(isReplay(await b.call({ op: 'accept', token: before.token })));
    assert.ok(isReplay(await a.call({ op: 'accept', token: before.token })));
    // Refused while Redis was down, so never recorded: accepted once now, then a replay.
    assert.equal((await b.call({ op: 'accept', token: during.token })).major, undefined);
    assert.ok(isReplay(await a.call({ op: 'accept', token: during.token })));
  });

  it('fails open only when asked, and logs every such accept', async () => {
    const open = startWorker({
      ...realm.env,
      FLEET_REDIS_URL: redis.url,
      FLEET_KEY: key,
      FLEET_FAIL_OPEN: '1',
    });
    try {
      const { token } = await apReq();
      assert.deepEqual((await open.call({ op: 'accept', token })).logged, []);
      await redis.kill();
      const r = await open.call({ op: 'accept', token: (await apReq()).token });
      assert.equal(r.major, undefined);
      assert.equal((r.logged as string[]).length, 1);
      assert.match((r.logged as string[])[0], /failing open.*Redis unavailable/);
      // The closed-by-default process still refuses.
      assert.ok(isUnavailable(await a.call({ op: 'accept', token: (await apReq()).token })));
    } finally {
      await open.close();
      if (redis.pid === undefined) await redis.start();
    }
  });

  it('hands a context from process A to process B through the store, once', async () => {
    // Let the clients reconnect after the previous test's restart.
    for (let i = 0; i < 50; i++) {
      if (!isUnavailable(await a.call({ op: 'accept', token: (await apReq()).token }))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const { init, token } = await apReq();
    const put = await a.call({ op: 'put', token, id: 'conn-1' });
    assert.equal(put.major, undefined, JSON.stringify(put));
    await init.step(fromHex(String(put.output)));
    assert.equal(init.isEstablished, true);

    const c = createClient({ url: redis.url });
    c.on('error', () => undefined);
    await c.connect();
    try {
      const ttl = await c.pTTL('gssapi-ts:ctx:conn-1');
      // No longer than the acceptor's context (its lifetime counts the clock skew, as MIT's does).
      const lifetime = Number(put.lifetime);
      assert.ok(ttl > 0 && ttl <= lifetime * 1000, `ttl ${ttl} ms, lifetime ${lifetime} s`);
      const stored = String(await c.get('gssapi-ts:ctx:conn-1'));
      assert.ok(!stored.includes(key) && !stored.includes(Buffer.from(fromHex(key)).toString('base64')));

      assert.deepEqual(await b.call({ op: 'take', id: 'conn-1' }), { found: true });
      const msg = toHex(utf8('hello from the client'));
      const unwrapped = await b.call({
        op: 'unwrap',
        token: toHex(init.wrap(fromHex(msg), { confidential: true })),
      });
      assert.equal(unwrapped.message, msg);
      const reply = await b.call({ op: 'wrap', message: toHex(utf8('hello from B')) });
      assert.deepEqual(init.unwrap(fromHex(String(reply.token))).message, utf8('hello from B'));

      assert.deepEqual(await b.call({ op: 'take', id: 'conn-1' }), { found: false });
      assert.deepEqual(await a.call({ op: 'take', id: 'conn-1' }), { found: false });
      assert.equal(await c.exists('gssapi-ts:ctx:conn-1'), 0);

      // Tampered in Redis: one byte of the sealed value changed, or another id's value copied.
      const second = await apReq();
      assert.equal((await a.call({ op: 'put', token: second.token, id: 'conn-2' })).major, undefined);
      const v = String(await c.get('gssapi-ts:ctx:conn-2'));
      const bytes = Buffer.from(v, 'base64');
      bytes[bytes.length - 20] ^= 1;
      await c.set('gssapi-ts:ctx:conn-2', bytes.toString('base64'));
      const tampered = await b.call({ op: 'take', id: 'conn-2' });
      assert.equal(tampered.major, GSS_S_DEFECTIVE_TOKEN, JSON.stringify(tampered));
      assert.equal(tampered.minor, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);

      const third = await apReq();
      assert.equal((await a.call({ op: 'put', token: third.token, id: 'conn-3' })).major, undefined);
      await c.set('gssapi-ts:ctx:conn-4', String(await c.get('gssapi-ts:ctx:conn-3')));
      assert.equal((await b.call({ op: 'take', id: 'conn-4' })).minor, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
      await c.set('gssapi-ts:ctx:conn-5', 'not base64 at all!');
      assert.equal((await b.call({ op: 'take', id: 'conn-5' })).major, GSS_S_DEFECTIVE_TOKEN);
    } finally {
      c.destroy();
    }
  });
});
