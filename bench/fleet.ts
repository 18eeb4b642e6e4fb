/**
 * The fleet benchmark (docs/performance.md, "Replay caches and the fleet"): accept_sec_context
 * alone with each replay cache (memory, MIT's file2 file, Redis on loopback) at 1 and 32 accepts
 * in flight, beside MIT's acceptor with its own file replay cache (bench/mit-gss.c, dfl: in the
 * realm's KRB5RCACHEDIR); then 1, 2 and 4 acceptor processes sharing one Redis; then Redis's
 * memory per replay key and per stored context, and its commands per accept and per hand-off.
 *
 *   node --import tsx bench/fleet.ts [--count N] [--rounds R] [--fsync always|everysec] [--no-mit]
 *   (N: AP-REQs per slice, default 300; R: alternating slices per cell, default 5; --fsync: Redis's
 *   appendfsync, default always as docs/fleet.md asks)
 *
 * Every ticket is new: each AP-REQ is made (untimed) by our initiator from alice's TGT and
 * accepted once. Rates are accepts per wall-clock second of the accepting process(es) (Redis and
 * the file lock helper are other processes), and per CPU second of this process for the
 * comparison with MIT, whose harness reports per CPU second. Redis keeps an append-only file.
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
import { FileReplayCache } from '../src/krb5/rcache/file.js';
import { MemoryReplayCache } from '../src/krb5/rcache/memory.js';
import { RedisReplayCache } from '../src/krb5/rcache/redis.js';
import type { ReplayCache } from '../src/krb5/rcache/replay-cache.js';
import { interopSkip, startRealm } from '../test/harness/realm.js';
import { redisSkip, startRedis } from '../test/harness/redis.js';
import { acceptAll } from './fleet-accept.js';
import { cpuSeconds } from './gss-ours.js';
import { buildMit, MitHarness, TARGET_SERVICE } from './mit-harness.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const count = Number(opt('--count', '300'));
const rounds = Number(opt('--rounds', '5'));
const noMit = args.includes('--no-mit');
const fsync = opt('--fsync', 'always') === 'everysec' ? 'everysec' : 'always';
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;

async function makeApReqs(initiator: Credentials, n: number): Promise<Uint8Array[]> {
  const target = Name.hostbased(TARGET_SERVICE);
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

/** One slice: accepts/s by the wall clock and per CPU second of this process. */
async function slice(
  initiator: Credentials,
  acceptor: Credentials,
  concurrency: number,
): Promise<{ wall: number; cpu: number }> {
  const tokens = await makeApReqs(initiator, count);
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const n = await acceptAll(tokens, acceptor, concurrency);
  const wall = (performance.now() - t0) / 1000;
  return { wall: n / wall, cpu: n / (cpuSeconds() - c0) };
}

interface ChildProc {
  ready: Promise<void>;
  go(): Promise<{ n: number; ms: number }>;
}

function startChild(env: NodeJS.ProcessEnv): ChildProc {
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
      const [, n, ms] = (await done).split(' ');
      child.stdin.end();
      return { n: Number(n), ms: Number(ms) };
    },
  };
}

async function main(): Promise<void> {
  const skip = interopSkip() || redisSkip();
  if (skip) {
    console.log(`fleet bench: ${skip}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'gssapi-ts-fleet-bench-'));
  const realm = await startRealm();
  const redis = await startRedis({ appendfsync: fsync });
  const saved = { ...process.env };
  const client = createClient({ url: redis.url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  const file = new FileReplayCache(join(tmp, 'bench.rcache2'));
  try {
    for (const k of [
      'KRB5_CONFIG',
      'KRB5_KDC_PROFILE',
      'KRB5RCACHEDIR',
      'KRB5CCNAME',
      'KRB5_KTNAME',
    ] as const)
      process.env[k] = realm.env[k];
    const ourCc = join(realm.dir, 'alice-fleet.ccache');
    copyFileSync(realm.aliceCcache.slice('FILE:'.length), ourCc);
    const initiator = await Credentials.acquire({ usage: 'initiate', ccache: `FILE:${ourCc}` });
    const caches: [string, ReplayCache][] = [
      ['memory', new MemoryReplayCache()],
      ['file (file2, fcntl lock)', file],
      [`Redis (loopback, AOF ${fsync})`, new RedisReplayCache({ client })],
    ];
    const acceptors = await Promise.all(
      caches.map(([, replayCache]) => Credentials.acquire({ usage: 'accept', replayCache })),
    );
    const mitExe = buildMit(tmp, noMit);
    const mitCc = join(realm.dir, 'alice-mit-fleet.ccache');
    copyFileSync(realm.aliceCcache.slice('FILE:'.length), mitCc);
    const mit =
      typeof mitExe === 'string'
        ? new MitHarness(mitExe, { ...realm.env, KRB5CCNAME: `FILE:${mitCc}` }, 0.3)
        : undefined;
    if (mit) await mit.enctype();
    else console.log(`MIT: ${typeof mitExe === 'string' ? '' : mitExe.skipped}`);

    console.log(
      `accept_sec_context alone, every ticket new, ${count} AP-REQs per slice, ${rounds} alternating slices`,
    );
    // Warm-up, untimed: V8 needs about a CPU second of accepts to reach its steady state
    // (bench/gss.ts), and the caches their first connections.
    const w0 = cpuSeconds();
    while (cpuSeconds() - w0 < 1.5) await slice(initiator, acceptors[0], 32);
    for (const acc of acceptors) await slice(initiator, acc, 32);
    const results = new Map<string, { wall: number[]; cpu: number[] }>();
    const mitRates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (mit) mitRates.push(await mit.cell('accept 0'));
      for (const [i, [name]] of caches.entries()) {
        for (const conc of [1, 32]) {
          const key = `${name}|${conc}`;
          const s = await slice(initiator, acceptors[i], conc);
          const e = results.get(key) ?? { wall: [], cpu: [] };
          e.wall.push(s.wall);
          e.cpu.push(s.cpu);
          results.set(key, e);
        }
      }
    }
    const memory32 = median(results.get('memory|32')?.wall ?? [1]);
    const mitMedian = mitRates.length ? median(mitRates) : undefined;
    console.log(
      `${'cache'.padEnd(30)}${'in flight'.padStart(10)}${'accepts/s'.padStart(11)}${'spread'.padStart(13)}` +
        `${'per CPU s'.padStart(11)}${'/memory@32'.padStart(11)}${'CPU/MIT'.padStart(9)}`,
    );
    for (const [key, e] of results) {
      const [name, conc] = key.split('|');
      const w = median(e.wall);
      const c = median(e.cpu);
      console.log(
        `${name.padEnd(30)}${conc.padStart(10)}${w.toFixed(0).padStart(11)}${spread(e.wall).padStart(13)}` +
          `${c.toFixed(0).padStart(11)}${(w / memory32).toFixed(2).padStart(11)}` +
          `${mitMedian ? (c / mitMedian).toFixed(2).padStart(9) : '-'.padStart(9)}`,
      );
    }
    if (mitMedian) {
      console.log(
        `${'MIT 1.20 (dfl: file, per CPU s)'.padEnd(30)}${'1'.padStart(10)}${mitMedian.toFixed(0).padStart(11)}${spread(mitRates).padStart(13)}`,
      );
    }
    mit?.close();

    // Scaling: 1, 2, 4 acceptor processes on one Redis, 32 in flight each, started together.
    console.log('\nacceptor processes sharing one Redis (32 in flight each; machine: this one)');
    console.log(`${'processes'.padEnd(12)}${'accepts/s total'.padStart(16)}${'per process'.padStart(13)}`);
    for (const procs of [1, 2, 4]) {
      const totals: number[] = [];
      for (let r = 0; r < Math.max(1, rounds - 2); r++) {
        const env = {
          ...process.env,
          FLEET_REDIS_URL: redis.url,
          KRB5CCNAME: `FILE:${ourCc}`,
          COUNT: String(count),
          CONCURRENCY: '32',
        };
        const children = Array.from({ length: procs }, () => startChild(env));
        await Promise.all(children.map((c) => c.ready));
        const t0 = performance.now();
        const done = await Promise.all(children.map((c) => c.go()));
        const wall = (performance.now() - t0) / 1000;
        totals.push(done.reduce((s, d) => s + d.n, 0) / wall);
      }
      const t = median(totals);
      console.log(
        `${String(procs).padEnd(12)}${t.toFixed(0).padStart(16)}${(t / procs).toFixed(0).padStart(13)}   (${spread(totals)})`,
      );
    }

    // Redis: memory per key and commands per operation.
    const statCalls = async (cmd: string) => {
      const info = String(await client.sendCommand(['INFO', 'commandstats']));
      const m = new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info);
      return m ? Number(m[1]) : 0;
    };
    const rcKeys = await client.keys('gssapi-ts:rc:*');
    const rcBytes = Number(await client.sendCommand(['MEMORY', 'USAGE', rcKeys[0], 'SAMPLES', '0']));
    const store = new ContextStore({ client, key: crypto.getRandomValues(new Uint8Array(32)) });
    const redisAcceptor = acceptors[2];
    const sets0 = await statCalls('set');
    const getdels0 = await statCalls('getdel');
    const [t] = await makeApReqs(initiator, 1);
    const acc = SecurityContext.accept({ credentials: redisAcceptor });
    await acc.step(t);
    const sets1 = await statCalls('set');
    await store.putContext('bench-1', acc);
    const storedLen = Number(await client.sendCommand(['STRLEN', 'gssapi-ts:ctx:bench-1']));
    const storedMem = Number(
      await client.sendCommand(['MEMORY', 'USAGE', 'gssapi-ts:ctx:bench-1', 'SAMPLES', '0']),
    );
    const sets2 = await statCalls('set');
    const back = await store.takeContext('bench-1');
    back?.delete();
    const getdels1 = await statCalls('getdel');
    console.log('\nRedis per operation');
    console.log(
      `replay key: ${rcKeys[0].length} bytes of key, ${rcBytes} bytes of Redis memory (MEMORY USAGE)`,
    );
    console.log(
      `stored context (aes256-sha1): ${storedLen} bytes of value, ${storedMem} bytes of Redis memory`,
    );
    console.log(
      `commands: accept ${sets1 - sets0} SET; hand-off ${sets2 - sets1} SET + ${getdels1 - getdels0} GETDEL`,
    );
  } finally {
    file.close();
    client.destroy();
    for (const k of [
      'KRB5_CONFIG',
      'KRB5_KDC_PROFILE',
      'KRB5RCACHEDIR',
      'KRB5CCNAME',
      'KRB5_KTNAME',
    ] as const) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await redis.stop();
    await realm.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
