/**
 * The worker hand-off of `gss server` (docs/performance.md, "The worker hand-off"): connections
 * per second and server CPU per connection for `gss server --workers N` (N = 1, 2) and the
 * in-process server (`--workers 0`, the default), beside MIT's gss-server in its own listening
 * mode (one process, in-process), all driven by the same Node client (src/sample/client.ts
 * `callServer`: AP-REQ with mutual authentication, one wrapped and encrypted message with a MIC
 * asked for, NOOP).
 *
 *   node --import tsx bench/handoff.ts [--rounds R] [--connections C] [--parallel P] [--workers 1,2]
 *     [--dist] [--nagle] [--no-mit]
 *   (R rounds, default 5, each of C connections, default 300, P in flight, default 4; --dist: the
 *   servers run from the build, bin/gss.js, as users run them; environment: HANDOFF_NODE_ARGS
 *   adds node options to the servers, e.g. --cpu-prof, which the workers inherit;
 *   HANDOFF_SPLIT=1 prints each server process's CPU per connection, round by round)
 *
 * Server CPU is read from /proc for every process of the server (the listener and its workers):
 * the sum of /proc/PID/task/T/schedstat run times (nanoseconds, every thread), before and after
 * each round. The configurations alternate round by round, so each sees the same machine state.
 * MIT's gss-server binds every interface when it listens, so the whole bench runs in a private
 * network namespace (`unshare -n`, root only; the realm's KDC too); without one MIT's column is
 * skipped. MIT's gss-server writes each frame in three write() calls (flags, length, token) and the
 * client's two frames back to back, so with Nagle on the client socket a round trip can wait for a
 * delayed ACK: the client sets TCP_NODELAY (`--nagle` leaves it off).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Credentials } from '../src/gssapi/creds/creds.js';
import { callServer } from '../src/sample/client.js';
import { freePort, waitForPort } from '../test/harness/net.js';
import { interopSkip, MIT_BIN, startRealm } from '../test/harness/realm.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const rounds = Number(opt('--rounds', '5'));
const connections = Number(opt('--connections', '300'));
const parallel = Number(opt('--parallel', '4'));
const workerCounts = opt('--workers', '1,2').split(',').map(Number);
const nagle = args.includes('--nagle');
const noMit = args.includes('--no-mit');
/** Run `gss` from the build (bin/gss.js, after `npm run build`), as users run it, not from source under tsx. */
const fromDist = args.includes('--dist');
const IN_NETNS = '--in-netns';

const GSS_ENTRY = resolve(import.meta.dirname, '../src/cli/gss.ts');
const GSS_BIN = resolve(import.meta.dirname, '../bin/gss.js');
const SERVICE = 'gsstest@localhost';

/** Re-runs this bench inside a private network namespace when that is possible and needed. */
function netnsRerun(): number | undefined {
  if (args.includes(IN_NETNS) || noMit) return undefined;
  try {
    execFileSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 5_000 });
  } catch {
    return undefined;
  }
  const node = [process.execPath, ...process.execArgv, process.argv[1], ...args, IN_NETNS];
  const script = `ip link set lo up && exec ${node.map((s) => `'${s.replace(/'/g, `'\\''`)}'`).join(' ')}`;
  try {
    execFileSync('unshare', ['-n', 'sh', '-c', script], { stdio: 'inherit' });
    return 0;
  } catch (e) {
    return (e as { status?: number }).status ?? 1;
  }
}

/** CPU nanoseconds of every thread of the processes (0 for one that is gone). */
function cpuNs(pids: readonly number[]): number {
  let ns = 0;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const t of tasks) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
  }
  return ns;
}

interface Server {
  readonly label: string;
  readonly port: number;
  readonly pids: number[];
  readonly child: ChildProcess;
}

async function startOurs(workers: number, keytab: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...(process.env.HANDOFF_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      ...(fromDist ? [GSS_BIN] : [...process.execArgv, GSS_ENTRY]),
      'server',
      '--port',
      String(port),
      '--keytab',
      keytab,
      '--workers',
      String(workers),
      '--logfile',
      '/dev/null',
      SERVICE,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The 'Accepted connection' lines on stdout: read and dropped.
  child.stdout?.resume();
  const pids = await new Promise<number[]>((ok, fail) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += String(d);
      const m = /starting\.\.\. \(127\.0\.0\.1:\d+(?:, workers ([\d ]+))?\)/.exec(out);
      if (!m) return;
      child.stderr?.off('data', onData);
      child.stderr?.pipe(process.stderr);
      ok([child.pid ?? 0, ...(m[1] ? m[1].split(' ').map(Number) : [])]);
    };
    // It announces itself (and its workers' pids) on stderr.
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`gss server exited (${code}): ${out}`)));
  });
  return {
    label: workers ? `gss server --workers ${workers}` : 'gss server (in-process)',
    port,
    pids,
    child,
  };
}

async function startMit(keytab: string, logFile: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(
    MIT_BIN.gssServer,
    ['-port', String(port), '-keytab', keytab, '-logfile', logFile, SERVICE],
    {
      env,
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  await waitForPort(port, 5_000, () => child.exitCode !== null);
  return { label: 'MIT gss-server (in-process)', port, pids: [child.pid ?? 0], child };
}

async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(t);
}

/** C connections, P in flight; wall seconds and server CPU nanoseconds. */
async function round(s: Server, creds: Credentials, count: number): Promise<{ wall: number; cpu: number }> {
  let next = 0;
  const c0 = cpuNs(s.pids);
  const t0 = performance.now();
  const one = async () => {
    while (next < count) {
      next++;
      const r = await callServer({
        host: '127.0.0.1',
        port: s.port,
        service: SERVICE,
        message: 'hand-off bench',
        credentials: creds,
        noDelay: !nagle,
        log: () => {},
      }).catch((e: Error) => {
        throw new Error(`${s.label}: connection ${next} failed: ${e.message}`);
      });
      if (r.micsVerified !== 1) throw new Error(`${s.label}: no MIC verified`);
    }
  };
  const per0 = s.pids.map((p) => cpuNs([p]));
  await Promise.all(Array.from({ length: parallel }, one));
  const wall = (performance.now() - t0) / 1000;
  if (process.env.HANDOFF_SPLIT)
    console.log(s.label, s.pids.map((p, i) => ((cpuNs([p]) - per0[i]) / 1e6 / count).toFixed(3)).join(' '));
  return { wall, cpu: cpuNs(s.pids) - c0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const span = (xs: number[], d: number) => `${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)}`;

async function main(): Promise<void> {
  const skip = interopSkip();
  if (skip) {
    console.log(`handoff bench: ${skip}`);
    return;
  }
  const rerun = netnsRerun();
  if (rerun !== undefined) process.exit(rerun);
  const withMit = !noMit && args.includes(IN_NETNS);
  const realm = await startRealm();
  process.env = { ...realm.env };
  const servers: Server[] = [];
  try {
    const creds = await Credentials.acquire({ usage: 'initiate' });
    servers.push(await startOurs(0, realm.keytabs.gsstest, realm.env));
    for (const n of workerCounts) servers.push(await startOurs(n, realm.keytabs.gsstest, realm.env));
    if (withMit)
      servers.push(await startMit(realm.keytabs.gsstest, join(realm.dir, 'gss-server.log'), realm.env));
    console.log(
      `${connections} connections per round, ${parallel} in flight, ${rounds} rounds; client TCP_NODELAY ${nagle ? 'off' : 'on'}; load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}${withMit ? '' : '; MIT skipped (no network namespace, or --no-mit)'}`,
    );
    // Warm-up, untimed: V8's JIT in the client and in every server process, MIT's replay cache.
    for (const s of servers) await round(s, creds, Math.min(connections, 200));
    const results = new Map<Server, { rate: number; cpuMs: number }[]>(servers.map((s) => [s, []]));
    for (let r = 0; r < rounds; r++) {
      for (const s of servers) {
        const { wall, cpu } = await round(s, creds, connections);
        results.get(s)?.push({ rate: connections / wall, cpuMs: cpu / 1e6 / connections });
      }
    }
    const base = results.get(servers[0]) ?? [];
    console.log(
      `${'server'.padEnd(30)}${'conn/s (wall)'.padStart(18)}${'server CPU ms/conn'.padStart(22)}${'vs in-process'.padStart(18)}`,
    );
    for (const s of servers) {
      const rs = results.get(s) ?? [];
      const rates = rs.map((x) => x.rate);
      const cpus = rs.map((x) => x.cpuMs);
      const ratios = cpus.map((c, i) => c / base[i].cpuMs);
      console.log(
        `${s.label.padEnd(30)}${`${median(rates).toFixed(0)} (${span(rates, 0)})`.padStart(18)}` +
          `${`${median(cpus).toFixed(3)} (${span(cpus, 3)})`.padStart(22)}` +
          `${`${median(ratios).toFixed(2)} (${span(ratios, 2)})`.padStart(18)}`,
      );
    }
  } finally {
    for (const s of servers) await stop(s);
    await realm.stop();
  }
}

await main();
