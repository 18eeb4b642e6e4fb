/**
 * Load and fault helpers for the gss-sample server suites: many MIT gss-client runs at once, each
 * with a deadline (a client still running then counts as hung), and the sockets a set of
 * processes holds in CLOSE-WAIT on a port (from /proc, no tool needed).
 */
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Name } from '../../src/gssapi/names/names.js';
import { FrameStream, TOKEN_CONTEXT, TOKEN_CONTEXT_NEXT, TOKEN_NOOP } from '../../src/sample/protocol.js';
import { execAsync, MIT_BIN, type Realm } from '../harness/realm.js';

/** The mixed flag sets of the load: mutual and not, sequence, no replay, several contexts. */
export const LOAD_FLAGS: readonly (readonly string[])[] = [
  [],
  ['-nomutual'],
  ['-seq'],
  ['-noreplay'],
  ['-ccount', '2', '-mcount', '2'],
];

export interface ClientRun {
  readonly code: number | null;
  /** Wall time of the run in ms. */
  readonly ms: number;
  readonly hung: boolean;
  readonly stderr: string;
}

/**
 * Runs `total` MIT gss-client processes, `concurrency` at a time, against 127.0.0.1:port; calls
 * `during(started)` after each start (to inject a fault at a given point).
 */
export async function runClients(
  realm: Realm,
  port: number,
  total: number,
  concurrency: number,
  opts: { deadlineMs?: number; during?: (started: number) => void } = {},
): Promise<ClientRun[]> {
  const deadline = opts.deadlineMs ?? 20_000;
  const runs: ClientRun[] = [];
  let started = 0;
  const one = async (): Promise<void> => {
    while (started < total) {
      const i = started++;
      opts.during?.(started);
      const flags = LOAD_FLAGS[i % LOAD_FLAGS.length];
      const args = ['-port', String(port), ...flags, 'localhost', 'gsstest@localhost', `load ${i}`];
      const t0 = performance.now();
      const r = await execAsync(MIT_BIN.gssClient, args, { env: realm.env, timeoutMs: deadline });
      const ms = performance.now() - t0;
      runs.push({ code: r.code, ms, hung: r.code === null && ms >= deadline - 50, stderr: r.stderr });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return runs;
}

/** Socket inodes in CLOSE-WAIT (state 08) on local port `port`, per /proc/net/tcp{,6}. */
function closeWaitInodes(port: number): Set<string> {
  const out = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      if (f[1].endsWith(`:${hexPort}`) && f[3] === '08') out.add(f[9]);
    }
  }
  return out;
}

/** How many sockets in CLOSE-WAIT on `port` the processes `pids` hold open. */
export function closeWaitHeld(pids: readonly number[], port: number): number {
  const inodes = closeWaitInodes(port);
  if (inodes.size === 0) return 0;
  let n = 0;
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) n++;
      } catch {
        // closed meanwhile
      }
    }
  }
  return n;
}

/** Counts of a load run, for assertions and the log. */
export function tally(runs: readonly ClientRun[]): {
  ok: number;
  failed: number;
  hung: number;
  slowestFailMs: number;
} {
  const failed = runs.filter((r) => r.code !== 0 && !r.hung);
  return {
    ok: runs.filter((r) => r.code === 0).length,
    failed: failed.length,
    hung: runs.filter((r) => r.hung).length,
    slowestFailMs: Math.round(Math.max(0, ...failed.map((r) => r.ms))),
  };
}

/** Connects and establishes a context with our initiator, leaving the connection open. */
export async function holdConnection(port: number): Promise<{ stream: FrameStream; ctx: SecurityContext }> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const stream = new FrameStream(socket);
  const ctx = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mutual: true });
  stream.send(TOKEN_NOOP | TOKEN_CONTEXT_NEXT);
  let input: Uint8Array | undefined;
  for (;;) {
    const out = await ctx.step(input);
    if (out?.length) stream.send(TOKEN_CONTEXT, out);
    if (ctx.isEstablished) return { stream, ctx };
    input = (await stream.recv()).token;
  }
}
