/**
 * The fleet benchmark, part 1 (docs/performance.md, "Replay caches and the fleet"):
 * accept_sec_context alone with each replay cache (memory, MIT's file2 file, Redis on loopback
 * with appendfsync always and everysec, and Redis with one SET per accept), at 1 and 32 accepts
 * in flight, beside MIT's acceptor with its own file replay cache (bench/mit-gss.c's accept cell,
 * dfl: in the realm's KRB5RCACHEDIR), in alternating slices of one run. Part 2, processes sharing
 * a cache and Redis's memory and commands, is bench/fleet-scale.ts.
 *
 *   node --import tsx bench/fleet.ts [--count N] [--rounds R] [--no-mit] [--json]
 *   (N: AP-REQs per slice, default 400; R: alternating slices per cell, default 7)
 *
 * Every ticket is new: each AP-REQ is made (untimed) by our initiator from alice's TGT and
 * accepted once. The measure is CPU: accepts per CPU second of this process (MIT's harness counts
 * its own process's CPU, which includes its file locking), and beside it the CPU the accept cost
 * elsewhere: the lock helper (perl) for the file cache, redis-server for Redis, per accept.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { SecurityContext } from '../src/gssapi/context/context.js';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { Name } from '../src/gssapi/names/names.js';
import { FileReplayCache } from '../src/krb5/rcache/file.js';
import { MemoryReplayCache } from '../src/krb5/rcache/memory.js';
import { RedisReplayCache } from '../src/krb5/rcache/redis.js';
import type { ReplayCache } from '../src/krb5/rcache/replay-cache.js';
import { interopSkip, startRealm } from '../test/harness/realm.js';
import { redisSkip, startRedis } from '../test/harness/redis.js';
import { acceptAll, childPids, processCpu } from './fleet-accept.js';
import { cpuSeconds } from './gss-ours.js';
import { buildMit, MitHarness, TARGET_SERVICE } from './mit-harness.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const count = Number(opt('--count', '400'));
const rounds = Number(opt('--rounds', '7'));
const noMit = args.includes('--no-mit');
const json = args.includes('--json');
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const range = (xs: number[], d = 0) => `${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)}`;
const ENV = ['KRB5_CONFIG', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR', 'KRB5CCNAME', 'KRB5_KTNAME'] as const;

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

interface Cache {
  readonly name: string;
  readonly cache: ReplayCache;
  /** The other processes whose CPU an accept costs. */
  readonly others: () => (number | undefined)[];
}

interface Cell {
  wall: number[];
  cpu: number[];
  otherUs: number[];
}

async function main(): Promise<void> {
  const skip = interopSkip() || redisSkip();
  if (skip) {
    console.log(`fleet bench: ${skip}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'gssapi-ts-fleet-bench-'));
  const realm = await startRealm();
  const always = await startRedis({ appendfsync: 'always' });
  const everysec = await startRedis({ appendfsync: 'everysec' });
  const clients = [always, everysec].map((r) => createClient({ url: r.url, disableOfflineQueue: true }));
  for (const c of clients) {
    c.on('error', () => undefined);
    await c.connect();
  }
  const file = new FileReplayCache(join(tmp, 'bench.rcache2'));
  const saved = { ...process.env };
  try {
    for (const k of ENV) process.env[k] = realm.env[k];
    const ourCc = join(realm.dir, 'alice-fleet.ccache');
    copyFileSync(realm.aliceCcache.slice('FILE:'.length), ourCc);
    const initiator = await Credentials.acquire({ usage: 'initiate', ccache: `FILE:${ourCc}` });
    const caches: Cache[] = [
      { name: 'memory', cache: new MemoryReplayCache(), others: () => [] },
      { name: 'file (file2, fcntl lock)', cache: file, others: () => childPids('perl') },
      {
        name: 'Redis, always',
        cache: new RedisReplayCache({ client: clients[0] }),
        others: () => [always.pid],
      },
      {
        name: 'Redis, everysec',
        cache: new RedisReplayCache({ client: clients[1] }),
        others: () => [everysec.pid],
      },
      {
        name: 'Redis, always, SET each',
        cache: new RedisReplayCache({ client: clients[0], batch: false }),
        others: () => [always.pid],
      },
    ];
    const acceptors = await Promise.all(
      caches.map(({ cache }) => Credentials.acquire({ usage: 'accept', replayCache: cache })),
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

    const slice = async (i: number, conc: number, cell: Cell) => {
      const tokens = await makeApReqs(initiator, count);
      const pids = caches[i].others();
      const o0 = pids.reduce<number>((s, p) => s + processCpu(p), 0);
      const c0 = cpuSeconds();
      const t0 = performance.now();
      const n = await acceptAll(tokens, acceptors[i], conc);
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds() - c0;
      const other = pids.reduce<number>((s, p) => s + processCpu(p), 0) - o0;
      cell.wall.push(n / wall);
      cell.cpu.push(n / cpu);
      cell.otherUs.push((other / n) * 1e6);
    };

    // Warm-up, untimed: V8 needs about a CPU second of accepts to reach its steady state
    // (bench/gss.ts); every cache its connections and helper.
    const w0 = cpuSeconds();
    const scratch: Cell = { wall: [], cpu: [], otherUs: [] };
    while (cpuSeconds() - w0 < 1.5) await slice(0, 32, scratch);
    for (let i = 0; i < caches.length; i++) await slice(i, 32, scratch);
    const cells = new Map<string, Cell>();
    const mitRates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (mit) mitRates.push(await mit.cell('accept 0'));
      for (let i = 0; i < caches.length; i++) {
        for (const conc of [1, 32]) {
          const key = `${i}|${conc}`;
          const cell = cells.get(key) ?? { wall: [], cpu: [], otherUs: [] };
          cells.set(key, cell);
          await slice(i, conc, cell);
        }
      }
    }
    mit?.close();
    const mitMedian = mitRates.length ? median(mitRates) : undefined;
    console.log(
      `accept_sec_context alone, every ticket new, ${count} AP-REQs per slice, ${rounds} alternating slices`,
    );
    console.log(
      `${'cache'.padEnd(26)}${'in flight'.padStart(9)}${'per CPU s'.padStart(11)}${'range'.padStart(13)}` +
        `${'elsewhere'.padStart(11)}${'all CPU'.padStart(9)}${'/memory'.padStart(9)}${'/MIT'.padStart(7)}` +
        `${'/MIT all'.padStart(10)}${'wall/s'.padStart(8)}`,
    );
    const summary: Record<string, unknown> = {
      mit: mitMedian,
      mitRange: mitRates.length ? range(mitRates) : '',
    };
    for (const [key, cell] of cells) {
      const [i, conc] = key.split('|').map(Number);
      const cpu = median(cell.cpu);
      const other = median(cell.otherUs);
      // Accepts per CPU second of every process involved: ours and the helper or redis-server.
      const all = 1 / (1 / cpu + other / 1e6);
      const mem = median(cells.get(`0|${conc}`)?.cpu ?? [cpu]);
      const vsMit = mitMedian ? (cpu / mitMedian).toFixed(2) : '-';
      const vsMitAll = mitMedian ? (all / mitMedian).toFixed(2) : '-';
      console.log(
        `${caches[i].name.padEnd(26)}${String(conc).padStart(9)}${cpu.toFixed(0).padStart(11)}` +
          `${range(cell.cpu).padStart(13)}${`${other.toFixed(1)} µs`.padStart(11)}${all.toFixed(0).padStart(9)}` +
          `${(cpu / mem).toFixed(2).padStart(9)}${vsMit.padStart(7)}${vsMitAll.padStart(10)}` +
          `${median(cell.wall).toFixed(0).padStart(8)}`,
      );
      summary[`${caches[i].name}|${conc}`] = {
        cpu,
        all,
        other,
        vsMemory: cpu / mem,
        wall: median(cell.wall),
      };
    }
    if (mitMedian) {
      console.log(
        `${'MIT 1.20, dfl: file'.padEnd(26)}${'1'.padStart(9)}${mitMedian.toFixed(0).padStart(11)}${range(mitRates).padStart(13)}`,
      );
    }
    if (json) console.log(`JSON ${JSON.stringify(summary)}`);
  } finally {
    file.close();
    for (const c of clients) c.destroy();
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await always.stop();
    await everysec.stop();
    await realm.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
