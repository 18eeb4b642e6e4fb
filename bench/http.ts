/**
 * Authenticated HTTP requests per second, like for like: our node:http adapter deployed as
 * docs/http.md says (bench/http-server.ts: node:cluster, `--workers` processes, default 2, one
 * MIT file2 replay cache file shared by all of them) against Apache httpd + mod_auth_gssapi
 * (test/harness/apache.ts, event MPM, as many server processes as our workers, 16 threads each,
 * MIT's file2 replay cache) on the same machine, one throwaway MIT realm, the same load generator
 * (keep-alive connections from this process) and the same pre-generated tokens: every request
 * carries a fresh SPNEGO NegTokenInit with its own AP-REQ (made by our initiator before timing),
 * so both acceptors decrypt a ticket, check an authenticator against their replay cache and
 * answer the AP-REP. Slices alternate in ABBA order so both see the same machine state; each
 * figure is the median over the rounds with its min-max, the ratio the median of the per-round
 * ratios; besides the wall rate, the rate per CPU second of each server's whole process tree
 * (from /proc), which a shared machine disturbs less. Then the added latency at one connection:
 * median request time with Negotiate minus without, on each server.
 *
 *   node --import tsx bench/http.ts [--rounds N] [--requests R] [--connections C] [--workers W]
 *     [--warm N] [--memory-rcache] [--latency-requests N]
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SecurityContext } from '../src/gssapi/context/context.js';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { Name } from '../src/gssapi/names/names.js';
import { startApache } from '../test/harness/apache.js';
import { startRealm, track } from '../test/harness/realm.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : Number(dflt);
};
const rounds = opt('--rounds', '7');
const perSlice = opt('--requests', '1500');
const connections = opt('--connections', '8');
const latencyRequests = opt('--latency-requests', '300');
// As many worker processes as Apache has server processes (one per core here), like for like.
const workers = opt('--workers', '2');
// 'file' (MIT's file2, shared by the workers) or 'memory' (one process only: per-process caches
// would let a replay to another worker through).
// Extra node flags for the server processes, e.g. HTTP_BENCH_NODE_FLAGS='--cpu-prof' to profile.
const serverNodeFlags = (process.env.HTTP_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const rcacheKind = args.includes('--memory-rcache') ? 'memory' : 'file';
if (rcacheKind === 'memory' && workers > 1) throw new Error('--memory-rcache needs --workers 1');

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/** Fresh SPNEGO tokens for HTTP@localhost, as `Negotiate <b64>` header values. */
async function tokens(creds: Credentials, n: number): Promise<string[]> {
  const out: string[] = [];
  const target = Name.hostbased('HTTP@localhost');
  for (let i = 0; i < n; i++) {
    const t = await SecurityContext.initiate({ target, credentials: creds, mech: 'spnego' }).step();
    out.push(`Negotiate ${Buffer.from(t as Uint8Array).toString('base64')}`);
  }
  return out;
}

function get(agent: Agent, port: number, path: string, authorization?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent, headers: authorization ? { authorization } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * CPU seconds (user + system) used so far by `pid` and all its descendants (Linux /proc): the
 * whole server, Apache's children or our cluster workers and their replay cache lock helpers.
 */
function cpuSeconds(pid: number): number {
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      // After the ")" closing the command name: state ppid ... utime (field 14) stime (15).
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      procs.set(Number(p), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  const inTree = (p: number): boolean => {
    for (let q: number | undefined = p; q !== undefined && q > 1; q = procs.get(q)?.ppid) {
      if (q === pid) return true;
    }
    return false;
  };
  let ticks = 0;
  for (const [p, { ticks: t }] of procs) if (inTree(p)) ticks += t;
  return ticks / 100;
}

/** Sends every header once over `conns` keep-alive connections; requests per wall second. */
async function load(port: number, headers: string[], conns: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: conns });
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (next < headers.length) {
        const h = headers[next++];
        if ((await get(agent, port, '/private/page.txt', h)) !== 200) failed++;
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  agent.destroy();
  if (failed) throw new Error(`${failed} of ${headers.length} requests to port ${port} were not 200`);
  return headers.length / s;
}

/** Median milliseconds per request at one connection, with and without Negotiate. */
async function latency(port: number, headers: string[]): Promise<{ plain: number; negotiate: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const time = async (path: string, h?: string) => {
    const t0 = performance.now();
    const status = await get(agent, port, path, h);
    if (status !== 200) throw new Error(`${path}: ${status}`);
    return performance.now() - t0;
  };
  const plain: number[] = [];
  const negotiate: number[] = [];
  for (const h of headers) {
    plain.push(await time('/public/page.txt'));
    negotiate.push(await time('/private/page.txt', h));
  }
  agent.destroy();
  return { plain: median(plain), negotiate: median(negotiate) };
}

async function startOurs(
  env: NodeJS.ProcessEnv,
  rcache: string | undefined,
): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const file = fileURLToPath(new URL('./http-server.ts', import.meta.url));
  const child = track(
    spawn(
      process.execPath,
      [
        ...serverNodeFlags,
        '--import',
        'tsx',
        file,
        '--workers',
        String(workers),
        ...(rcache ? ['--rcache', rcache] : []),
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', () => reject(new Error('bench/http-server.ts exited')));
  });
  return {
    port: Number(line),
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const realm = await startRealm();
const env = { ...realm.env, KRB5_KTNAME: `FILE:${realm.keytabs.http}` };
for (const k of ['KRB5_CONFIG', 'KRB5CCNAME'] as const) process.env[k] = realm.env[k];
const apache = await startApache({
  keytab: realm.keytabs.http,
  krb5Conf: realm.krb5Conf,
  page: 'the protected page\n',
  mpm: { servers: workers, threads: 16 },
});
const ours = await startOurs(env, rcacheKind === 'file' ? join(realm.dir, 'http.rcache2') : undefined);
try {
  const creds = await Credentials.acquire({ usage: 'initiate' });
  console.log(
    `HTTP Negotiate, fresh AP-REQ per request (SPNEGO, aes256-cts-hmac-sha1-96), ${connections} keep-alive connections, ${perSlice} requests per slice, ${rounds} rounds`,
  );
  // Warm both (connections, keytab, ticket cache) with tokens of their own. Our workers need
  // several thousand requests each before V8 has optimized the path (on a quiet machine our
  // per-round rates still rose through 5 rounds after 2500 each, and were flat after 7500); a
  // server runs warm, so the measured rounds start after that. Apache gets the same warm-up.
  const warm = opt('--warm', String(7500 * workers));
  await load(apache.port, await tokens(creds, warm), connections);
  await load(ours.port, await tokens(creds, warm), connections);
  const wall = { a: [] as number[], o: [] as number[], r: [] as number[] };
  const cpu = { a: [] as number[], o: [] as number[], r: [] as number[] };
  /** One slice: wall rate, and requests per CPU second of the server's processes. */
  const slice = async (port: number, pid: number, set: string[]) => {
    const c0 = cpuSeconds(pid);
    const rate = await load(port, set, connections);
    return { rate, perCpu: set.length / Math.max(0.01, cpuSeconds(pid) - c0) };
  };
  for (let r = 0; r < rounds; r++) {
    const set = await tokens(creds, perSlice);
    // ABBA: the order flips every round, so neither server always runs on a warmer machine.
    const first = r % 2 === 0 ? 'apache' : 'ours';
    const sa0 = first === 'apache' ? await slice(apache.port, apache.pid, set) : undefined;
    const so = await slice(ours.port, ours.pid, set);
    const sa = sa0 ?? (await slice(apache.port, apache.pid, set));
    wall.a.push(sa.rate);
    wall.o.push(so.rate);
    wall.r.push(so.rate / sa.rate);
    cpu.a.push(sa.perCpu);
    cpu.o.push(so.perCpu);
    cpu.r.push(so.perCpu / sa.perCpu);
    console.log(
      `  round ${r + 1}: wall Apache ${sa.rate.toFixed(0)}/s, ours ${so.rate.toFixed(0)}/s; per server CPU s Apache ${sa.perCpu.toFixed(0)}, ours ${so.perCpu.toFixed(0)}`,
    );
  }
  const range = (xs: number[], d = 2) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
  const fig = (xs: number[]) => `${median(xs).toFixed(0)} (${range(xs, 0)})`;
  const who = `ours (node:http, ${workers} process${workers > 1 ? 'es' : ''}, ${rcacheKind === 'file' ? 'file2' : 'memory'} replay cache)`;
  console.log(
    `requests/s (wall), median (min–max): Apache + mod_auth_gssapi ${fig(wall.a)}, ${who} ${fig(wall.o)}; ours/Apache ${median(wall.r).toFixed(2)} (${range(wall.r)})`,
  );
  console.log(
    `requests per server CPU second: Apache ${fig(cpu.a)}, ours ${fig(cpu.o)}; ours/Apache ${median(cpu.r).toFixed(2)} (${range(cpu.r)})`,
  );
  const lset = await tokens(creds, latencyRequests);
  const la = await latency(apache.port, lset);
  const lo1 = await latency(ours.port, lset);
  const fmt = (l: { plain: number; negotiate: number }) =>
    `${l.negotiate.toFixed(3)} ms with Negotiate, ${l.plain.toFixed(3)} ms without: +${(l.negotiate - l.plain).toFixed(3)} ms`;
  console.log(`latency at 1 connection (median of ${latencyRequests}): Apache ${fmt(la)}; ours ${fmt(lo1)}`);
} finally {
  await ours.stop();
  await apache.stop();
  await realm.stop();
}
