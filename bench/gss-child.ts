/**
 * One measuring process of bench/gss.ts: ours in this process, MIT's harness (bench/mit-gss.c)
 * beside it in its two configurations, alternating slices per cell, every cell warmed up until
 * its rate is steady. Writes its slices as JSON for the parent to combine across processes.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getProfile, randomBytes } from '../src/crypto/index.js';
import { type Cell, type Config, memorySelected, type Options, selectedCells } from './gss-cells.js';
import {
  benchAccept,
  benchEstablish,
  benchExport,
  benchMic,
  benchWrap,
  contextEnctype,
  establish,
  type MemoryPerContext,
  memoryPerContext,
  type Pair,
  type Side,
} from './gss-ours.js';
import { type Pool, sideOf } from './gss-pool.js';
import { MitHarness } from './mit-harness.js';

/** What the parent hands each measuring process (a JSON file). */
export interface ChildSpec {
  /** KRB5_CONFIG, KRB5_KDC_PROFILE, KRB5RCACHEDIR of the realm. */
  readonly env: Record<string, string>;
  /** KRB5_CONFIG per enctype (its default_tgs_enctypes). */
  readonly confs: Record<string, string>;
  readonly keytab: string;
  readonly pools: Record<string, Pool>;
  /** The built bench/mit-gss, or why there is none. */
  readonly mit: string | { skipped: string };
}

/** One cell's slices: rates per CPU second, in the order measured (ours[i] beside mit[i]). */
export interface CellSlices {
  readonly ours: number[];
  readonly mit: number[];
  /** Untimed slices of ours before the timed ones. */
  readonly warmup: number;
  /** Token bytes (export cells): ours, MIT. */
  readonly size?: { ours: number; mit?: number };
}

export interface EnctypeResult {
  readonly enctype: number;
  readonly name: string;
  readonly context: { ours: number; mit?: number };
  readonly cells: Record<string, CellSlices>;
  readonly memory?: { ours?: MemoryPerContext; mit?: MemoryPerContext; contexts: number };
}

export interface ChildResult {
  readonly pid: number;
  readonly enctypes: EnctypeResult[];
}

/**
 * Untimed slices of ours until the rate is steady: the mean of the last two slices within 5% of
 * the mean of the two before (at least 4 slices, at most `cap`). A context cell climbs for a few
 * CPU seconds on a loaded machine (V8's optimizing compiler shares the cores), with plateaus on
 * the way that a test of two single slices mistakes for the end. The number of slices taken.
 */
async function warmUp(run: () => Promise<number>, cap: number): Promise<number> {
  const r: number[] = [];
  while (r.length < cap) {
    r.push(await run());
    const n = r.length;
    if (n < 4) continue;
    const last = (r[n - 1] + r[n - 2]) / 2;
    const before = (r[n - 3] + r[n - 4]) / 2;
    if (Math.abs(last - before) <= 0.05 * Math.max(last, before)) break;
  }
  return r.length;
}

/** Our operation of a cell, one slice of `budget` CPU seconds: its rate (and a token size). */
function oursOp(c: Cell, sides: Record<Config, () => Promise<Side>>, pair: Pair, sealKey: Uint8Array) {
  const data = randomBytes(c.size);
  let size = 0;
  const slice = async (budget: number): Promise<number> => {
    switch (c.measure) {
      case 'wrap-conf':
        return benchWrap(pair, data, true, budget);
      case 'wrap-integ':
        return benchWrap(pair, data, false, budget);
      case 'mic':
        return benchMic(pair, data, budget);
      case 'export':
      case 'export-sealed': {
        const r = benchExport(pair, budget, c.measure === 'export-sealed' ? sealKey : undefined);
        size = r.size;
        return r.rate;
      }
      case 'establish-reuse':
      case 'establish-new':
        return benchEstablish(await sides[c.config](), c.measure === 'establish-new', budget);
      default:
        return benchAccept(await sides[c.config](), c.measure === 'accept-new', budget);
    }
  };
  return { slice, size: () => size };
}

async function measureEnctype(o: Options, spec: ChildSpec, e: number): Promise<EnctypeResult> {
  const pool = spec.pools[String(e)];
  process.env.KRB5_CONFIG = spec.confs[String(e)];
  const made = new Map<Config, Side>();
  const sideFor = (config: Config) => async () => {
    let s = made.get(config);
    if (!s) {
      s = await sideOf(pool, spec.keytab, config, e);
      made.set(config, s);
    }
    return s;
  };
  const sides = { defaults: sideFor('defaults'), memory: sideFor('memory') };
  const pair = await establish(await sides.defaults());
  const shm = `/dev/shm/gssapi-ts-bench-${process.pid}-${e}`;
  const harnesses = new Map<Config, MitHarness>();
  const enctypeOf = new Map<Config, number>();
  /** The harness of a configuration, started at its first use (its first line: the enctype). */
  const harness = async (config: Config): Promise<MitHarness | undefined> => {
    if (typeof spec.mit !== 'string') return undefined;
    let h = harnesses.get(config);
    if (!h) {
      const env: NodeJS.ProcessEnv = { ...process.env, KRB5CCNAME: pool.reuse, KRB5_KTNAME: spec.keytab };
      // MIT 1.20 has no memory replay cache: its file2 format on tmpfs is the nearest.
      if (config === 'memory') env.KRB5RCACHENAME = `file2:${shm}-rcache`;
      const args = [...(config === 'memory' ? ['-memory'] : []), pool.dir, String(pool.count)];
      h = new MitHarness(spec.mit, env, o.seconds, args);
      harnesses.set(config, h);
      enctypeOf.set(config, await h.enctype());
    }
    return h;
  };
  const cells: Record<string, CellSlices> = {};
  const sealKey = randomBytes(32);
  try {
    await harness('defaults');
    const context = { ours: contextEnctype(pair.init), mit: enctypeOf.get('defaults') };
    for (const c of selectedCells(o)) {
      const h = await harness(c.config);
      const op = oursOp(c, sides, pair, sealKey);
      const mitKey = `${c.measure === 'export-sealed' ? 'export' : c.measure} ${c.size}`;
      const warmup = await warmUp(() => op.slice(o.seconds), o.warmupCap);
      let mitSize: number | undefined;
      if (h) mitSize = (await h.command(mitKey, o.seconds))[1];
      const ours: number[] = [];
      const mit: number[] = [];
      for (let r = 0; r < o.rounds; r++) {
        if (h) mit.push(await h.cell(mitKey));
        ours.push(await op.slice(o.seconds));
      }
      const size = c.measure.startsWith('export') ? { ours: op.size(), mit: mitSize } : undefined;
      cells[c.key] = { ours, mit, warmup, size };
    }
    let memory: EnctypeResult['memory'];
    if (memorySelected(o)) {
      const oursMem = await memoryPerContext(await sides.defaults(), o.contexts);
      const m = await (await harness('defaults'))?.command(`mem ${o.contexts}`, 0);
      const mit = m ? { fresh: m[0], traffic: m[1] } : undefined;
      memory = { ours: oursMem, mit, contexts: o.contexts };
    }
    return { enctype: e, name: getProfile(e).name, context, cells, memory };
  } finally {
    for (const h of harnesses.values()) h.close();
    pair.init.delete();
    pair.acc.delete();
    rmSync(`${shm}-rcache`, { force: true });
  }
}

/** The measuring process's main: `--child SPEC OUT` plus the parent's options. */
export async function childMain(o: Options, specFile: string, outFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as ChildSpec;
  Object.assign(process.env, spec.env);
  const enctypes: EnctypeResult[] = [];
  for (const e of o.enctypes) enctypes.push(await measureEnctype(o, spec, e));
  const result: ChildResult = { pid: process.pid, enctypes };
  writeFileSync(outFile, JSON.stringify(result));
}
