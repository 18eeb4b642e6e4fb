/**
 * Our side of bench/gss.ts: the same work as bench/mit-gss.c, on our SecurityContext API.
 * Initiator and acceptor in this process, credentials acquired once (as a server does), replay
 * detection on (the process-wide in-memory replay cache). Every rate is per CPU second of this
 * process (user + system, worker threads included).
 */

import { SecurityContext } from '../src/gssapi/context/context.js';
import { getContextState } from '../src/gssapi/context/context-internal.js';
import { importSecContext } from '../src/gssapi/context/export.js';
import type { Credentials } from '../src/gssapi/creds/creds.js';
import type { Name } from '../src/gssapi/names/names.js';

export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** One configuration's credentials: the reused ticket, the pool of distinct ones, the acceptor. */
export interface Side {
  readonly initiator: Credentials;
  /** One initiator credential per distinct service ticket ("every ticket new"), in rotation. */
  readonly pool: readonly Credentials[];
  readonly acceptor: Credentials;
  readonly target: Name;
  next: number;
}

export interface Pair {
  init: SecurityContext;
  acc: SecurityContext;
}

/** The initiator credential of the next context: the reused ticket or the pool's next one. */
function initiatorOf(s: Side, fresh: boolean): Credentials {
  if (!fresh || s.pool.length === 0) return s.initiator;
  s.next = (s.next + 1) % s.pool.length;
  return s.pool[s.next];
}

/** The initiator's first step: its context (waiting for the AP-REP) and the AP-REQ. */
async function initFirst(s: Side, fresh: boolean): Promise<[SecurityContext, Uint8Array]> {
  const init = SecurityContext.initiate({
    target: s.target,
    credentials: initiatorOf(s, fresh),
    mutual: true,
    replayDetection: true,
    sequence: true,
  });
  const t1 = await init.step();
  if (!t1) throw new Error('no AP-REQ');
  return [init, t1];
}

export async function establish(s: Side, fresh = false): Promise<Pair> {
  const [init, t1] = await initFirst(s, fresh);
  const acc = SecurityContext.accept({ credentials: s.acceptor });
  const t2 = await acc.step(t1);
  await init.step(t2);
  if (!init.isEstablished || !acc.isEstablished) throw new Error('not established');
  return { init, acc };
}

/** The enctype of the context's key (the acceptor subkey). */
export function contextEnctype(ctx: SecurityContext): number {
  const st = getContextState(ctx);
  return st ? (st.acceptorSubkey ?? st.subkey).enctype : -1;
}

/** Runs a synchronous op in batches for `budget` CPU seconds; ops per CPU second. */
function runSync(op: () => void, budget: number): number {
  const t0 = cpuSeconds();
  let ops = 0;
  let batch = 1;
  let spent = 0;
  while (spent < budget) {
    for (let i = 0; i < batch; i++) op();
    ops += batch;
    spent = cpuSeconds() - t0;
    if (spent < budget / 8) batch *= 2;
  }
  return ops / spent;
}

export function benchWrap(p: Pair, data: Uint8Array, confidential: boolean, budget: number): number {
  return runSync(() => {
    const u = p.acc.unwrap(p.init.wrap(data, { confidential }));
    if (u.message.length !== data.length || u.confidential !== confidential || u.supplementary !== 0) {
      throw new Error('unwrap mismatch');
    }
  }, budget);
}

export function benchMic(p: Pair, data: Uint8Array, budget: number): number {
  return runSync(() => {
    if (p.acc.verifyMic(data, p.init.getMic(data)) !== 0) throw new Error('verifyMic supplementary');
  }, budget);
}

/**
 * ctx.export() then importSecContext() of the acceptor's context, over and over; sealed with
 * `key` when given (docs/export-token.md). The rate, and the last token's size in bytes.
 */
export function benchExport(p: Pair, budget: number, key?: Uint8Array): { rate: number; size: number } {
  let size = 0;
  const opts = key ? { key } : {};
  const rate = runSync(() => {
    const t = p.acc.export(opts);
    size = t.length;
    p.acc = importSecContext(t, opts);
  }, budget);
  return { rate, size };
}

export async function benchEstablish(s: Side, fresh: boolean, budget: number): Promise<number> {
  const t0 = cpuSeconds();
  let ops = 0;
  let spent = 0;
  while (spent < budget) {
    for (let i = 0; i < 16; i++) {
      const p = await establish(s, fresh);
      p.init.delete();
      p.acc.delete();
    }
    ops += 16;
    spent = cpuSeconds() - t0;
  }
  return ops / spent;
}

/** Accept alone: AP-REQs made beforehand (untimed), each accepted once. */
export async function benchAccept(s: Side, fresh: boolean, budget: number): Promise<number> {
  let ops = 0;
  let spent = 0;
  while (spent < budget) {
    const made: [SecurityContext, Uint8Array][] = [];
    for (let i = 0; i < 64; i++) made.push(await initFirst(s, fresh));
    const t0 = cpuSeconds();
    for (const [, t1] of made) {
      const acc = SecurityContext.accept({ credentials: s.acceptor });
      await acc.step(t1);
      acc.delete();
    }
    spent += cpuSeconds() - t0;
    ops += made.length;
    for (const [init] of made) init.delete();
  }
  return ops / spent;
}

/** Per-context bytes of memory: live after establishment, and after 5 wraps + 5 MICs each. */
export interface MemoryPerContext {
  readonly fresh: number;
  readonly traffic: number;
}

/** heapUsed + external (which, in Node, includes every ArrayBuffer and Buffer), after full GCs. */
function inUse(gc: () => void): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Memory per established acceptor context, as bench/mit-gss.c's memory cell: `count` contexts
 * accepted from the pool's tickets (each initiator context deleted at once), measured live, then
 * after 5 wraps (1 KiB, confidential) and 5 MICs (16 B) on each, both against the level after all
 * are deleted and collected (so the replay cache, the ticket cache and compiled code, kept per
 * process, do not count). Needs node --expose-gc; undefined without it.
 */
export async function memoryPerContext(s: Side, count: number): Promise<MemoryPerContext | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  const msg = new Uint8Array(1024);
  const small = msg.subarray(0, 16);
  const live: SecurityContext[] = [];
  for (let i = 0; i < count; i++) {
    const [init, t1] = await initFirst(s, true);
    const acc = SecurityContext.accept({ credentials: s.acceptor });
    await acc.step(t1);
    init.delete();
    live.push(acc);
  }
  const fresh = inUse(gc);
  for (const acc of live) {
    for (let j = 0; j < 5; j++) {
      acc.wrap(msg, { confidential: true });
      acc.getMic(small);
    }
  }
  const traffic = inUse(gc);
  for (const acc of live) acc.delete();
  live.length = 0;
  const base = inUse(gc);
  return { fresh: (fresh - base) / count, traffic: (traffic - base) / count };
}
