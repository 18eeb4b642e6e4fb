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

export interface Side {
  readonly initiator: Credentials;
  readonly acceptor: Credentials;
  readonly target: Name;
}

export interface Pair {
  init: SecurityContext;
  acc: SecurityContext;
}

/** The initiator's first step: its context (waiting for the AP-REP) and the AP-REQ. */
async function initFirst(s: Side): Promise<[SecurityContext, Uint8Array]> {
  const init = SecurityContext.initiate({
    target: s.target,
    credentials: s.initiator,
    mutual: true,
    replayDetection: true,
    sequence: true,
  });
  const t1 = await init.step();
  if (!t1) throw new Error('no AP-REQ');
  return [init, t1];
}

export async function establish(s: Side): Promise<Pair> {
  const [init, t1] = await initFirst(s);
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

/** ctx.export() then importSecContext() of the acceptor's context, over and over. */
export function benchExport(p: Pair, budget: number): number {
  return runSync(() => {
    p.acc = importSecContext(p.acc.export());
  }, budget);
}

export async function benchEstablish(s: Side, budget: number): Promise<number> {
  const t0 = cpuSeconds();
  let ops = 0;
  let spent = 0;
  while (spent < budget) {
    for (let i = 0; i < 16; i++) {
      const p = await establish(s);
      p.init.delete();
      p.acc.delete();
    }
    ops += 16;
    spent = cpuSeconds() - t0;
  }
  return ops / spent;
}

/** Accept alone: AP-REQs made beforehand (untimed), each accepted once. */
export async function benchAccept(s: Side, budget: number): Promise<number> {
  let ops = 0;
  let spent = 0;
  while (spent < budget) {
    const made: [SecurityContext, Uint8Array][] = [];
    for (let i = 0; i < 64; i++) made.push(await initFirst(s));
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
