/**
 * The fleet benchmark, part 2 (docs/performance.md, "Replay caches and the fleet"): 1, 2 and 4
 * acceptor processes (bench/fleet-child.ts) sharing one replay cache, Redis (appendfsync always)
 * and, for comparison, MIT's file2 file (one host) and memory (each process its own: no sharing),
 * started together, 32 accepts in flight each; then what Redis holds and does per operation:
 * memory per replay key and per stored context, commands per accept and per hand-off.
 *
 *   node --import tsx bench/fleet-scale.ts [--count N] [--rounds R] [--json]
 *   (N: AP-REQs per process, default 600; R: runs per cell, alternating, default 3)
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { ContextStore } from '../src/fleet/context-store.js';
import { SecurityContext } from '../src/gssapi/context/context.js';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { Name } from '../src/gssapi/names/names.js';
import { RedisReplayCache } from '../src/krb5/rcache/redis.js';
import { interopSkip, startRealm } from '../test/harness/realm.js';
import { redisSkip, startRedis } from '../test/harness/redis.js';
import { processCpu } from './fleet-accept.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const count = Number(opt('--count', '600'));
const rounds = Number(opt('--rounds', '3'));
const json = args.includes('--json');
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;

interface Child {
  ready: Promise<void>;
  go(): Promise<{ n: number; ms: number; cpu: number; helper: number }>;
}

function startChild(env: NodeJS.ProcessEnv): Child {
  const file = fileURLToPath(new URL('./fleet-child.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((l: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const next = () => new Promise<string>((r) => waiting.push(r));
  const ready = next().then(() => undefined);
  return {
    ready,
    async go() {
      const done = next();
      child.stdin.write('go\n');
      const [, n, ms, cpu, helper] = (await done).split(' ').map(Number);
      child.stdin.end();
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
      return { n, ms, cpu, helper };
    },
  };
}

async function main(): Promise<void> {
  const skip = interopSkip() || redisSkip();
  if (skip) {
    console.log(`fleet scale bench: ${skip}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'gssapi-ts-fleet-scale-'));
  const realm = await startRealm();
  const redis = await startRedis({ appendfsync: 'always' });
  const client = createClient({ url: redis.url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const cc = join(realm.dir, 'alice-scale.ccache');
    copyFileSync(realm.aliceCcache.slice('FILE:'.length), cc);
    const kinds = ['redis', 'file', 'memory'] as const;
    const results = new Map<string, { rate: number[]; cpuPer: number[]; otherUs: number[] }>();
    for (let r = 0; r < rounds; r++) {
      for (const kind of kinds) {
        for (const procs of [1, 2, 4]) {
          const env = {
            ...process.env,
            ...realm.env,
            KRB5CCNAME: `FILE:${cc}`,
            FLEET_CACHE: kind,
            FLEET_REDIS_URL: redis.url,
            FLEET_FILE: join(tmp, 'shared.rcache2'),
            COUNT: String(count),
            CONCURRENCY: '32',
          };
          const children = Array.from({ length: procs }, () => startChild(env));
          await Promise.all(children.map((c) => c.ready));
          const r0 = processCpu(redis.pid);
          const t0 = performance.now();
          const done = await Promise.all(children.map((c) => c.go()));
          const wall = (performance.now() - t0) / 1000;
          const n = done.reduce((s, d) => s + d.n, 0);
          const cpu = done.reduce((s, d) => s + d.cpu, 0);
          const other =
            done.reduce((s, d) => s + d.helper, 0) + (kind === 'redis' ? processCpu(redis.pid) - r0 : 0);
          const key = `${kind}|${procs}`;
          const e = results.get(key) ?? { rate: [], cpuPer: [], otherUs: [] };
          e.rate.push(n / wall);
          e.cpuPer.push(n / cpu);
          e.otherUs.push((other / n) * 1e6);
          results.set(key, e);
        }
      }
    }
    console.log(
      `acceptor processes sharing one cache, 32 in flight each, ${count} accepts each, ${rounds} runs`,
    );
    console.log(
      `${'cache'.padEnd(22)}${'processes'.padStart(10)}${'accepts/s'.padStart(11)}${'range'.padStart(12)}` +
        `${'per process'.padStart(13)}${'per CPU s'.padStart(11)}${'elsewhere'.padStart(12)}`,
    );
    const names = { redis: 'Redis (always)', file: 'file2 (one host)', memory: 'memory (unshared)' };
    const summary: Record<string, unknown> = {};
    for (const [key, e] of results) {
      const [kind, procs] = key.split('|');
      const rate = median(e.rate);
      console.log(
        `${names[kind as keyof typeof names].padEnd(22)}${procs.padStart(10)}${rate.toFixed(0).padStart(11)}` +
          `${range(e.rate).padStart(12)}${(rate / Number(procs)).toFixed(0).padStart(13)}` +
          `${median(e.cpuPer).toFixed(0).padStart(11)}${`${median(e.otherUs).toFixed(1)} µs`.padStart(12)}`,
      );
      summary[key] = { rate, range: range(e.rate), cpuPer: median(e.cpuPer), otherUs: median(e.otherUs) };
    }

    // Redis per operation.
    const calls = async () => {
      const info = String(await client.sendCommand(['INFO', 'commandstats']));
      const out: Record<string, number> = {};
      for (const m of info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) out[m[1]] = Number(m[2]);
      return out;
    };
    const delta = (a: Record<string, number>, b: Record<string, number>, k: string) =>
      (b[k] ?? 0) - (a[k] ?? 0);
    for (const k of ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME'] as const) process.env[k] = realm.env[k];
    const initiator = await Credentials.acquire({ usage: 'initiate', ccache: `FILE:${cc}` });
    const acceptor = await Credentials.acquire({
      usage: 'accept',
      replayCache: new RedisReplayCache({ client }),
    });
    const target = Name.hostbased('gsstest@localhost');
    const apReq = async () => {
      const init = SecurityContext.initiate({ target, credentials: initiator, mutual: true });
      return (await init.step()) as Uint8Array;
    };
    const accept = async (t: Uint8Array) => {
      const acc = SecurityContext.accept({ credentials: acceptor });
      await acc.step(t);
      return acc;
    };
    const one = await apReq();
    const c0 = await calls();
    const acc = await accept(one);
    const c1 = await calls();
    const burst = await Promise.all(Array.from({ length: 32 }, apReq));
    const c2 = await calls();
    await Promise.all(burst.map(async (t) => (await accept(t)).delete()));
    const c3 = await calls();
    const rcKey = (await client.keys('gssapi-ts:rc:*'))[0];
    const rcBytes = Number(await client.sendCommand(['MEMORY', 'USAGE', rcKey, 'SAMPLES', '0']));
    const store = new ContextStore({ client, key: crypto.getRandomValues(new Uint8Array(32)) });
    await store.putContext('bench-1', acc);
    const storedLen = Number(await client.sendCommand(['STRLEN', 'gssapi-ts:ctx:bench-1']));
    const storedMem = Number(
      await client.sendCommand(['MEMORY', 'USAGE', 'gssapi-ts:ctx:bench-1', 'SAMPLES', '0']),
    );
    (await store.takeContext('bench-1'))?.delete();
    const c4 = await calls();
    console.log('\nRedis per operation (INFO commandstats, MEMORY USAGE; Redis 7.0)');
    console.log(`one accept alone: ${delta(c0, c1, 'set')} SET`);
    console.log(
      `32 accepts in one turn: ${delta(c2, c3, 'evalsha')} EVALSHA + ${delta(c2, c3, 'eval')} EVAL running ${delta(c2, c3, 'set')} SET`,
    );
    console.log(`hand-off: ${delta(c3, c4, 'set')} SET + ${delta(c3, c4, 'getdel')} GETDEL`);
    console.log(`replay key: ${rcKey.length} bytes of key, ${rcBytes} bytes of Redis memory`);
    console.log(
      `stored context (aes256-sha1): ${storedLen} bytes of value, ${storedMem} bytes of Redis memory`,
    );
    if (json) console.log(`JSON ${JSON.stringify(summary)}`);
  } finally {
    client.destroy();
    await redis.stop();
    await realm.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
