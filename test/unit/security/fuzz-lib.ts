/**
 * Mutation generators and the one assertion of the parser fuzz suite: a parser of outside bytes
 * returns a value or throws GssError with an allowed major status, never anything else, and in
 * bounded time. Deterministic (xorshift32 with fixed seeds), so a failure names a reproducible case.
 */
import assert from 'node:assert/strict';
import { GssError, majorName } from '../../../src/errors/status.js';

/** xorshift32: a fixed seed keeps failures reproducible. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export interface Mutant {
  readonly what: string;
  readonly bytes: Uint8Array;
}

/** Inputs at most this long get every single-bit flip; longer ones a random sample of this many. */
export const ALL_FLIPS_UP_TO = 512;
const FLIP_SAMPLE = 4096;

/**
 * Every truncation, every single-bit flip (or a sample for big inputs), garbage of many lengths,
 * oversized length fields (0xff.. and 0x7fffffff over every 4-byte window, DER long-form lengths
 * 0x84 ffffffff at every offset), and a valid input with a random tail.
 */
export function* mutants(valid: Uint8Array, seed = 1): Generator<Mutant> {
  const next = rng(seed * 2654435761 + valid.length);
  for (let n = 0; n < valid.length; n++) yield { what: `cut at ${n}`, bytes: valid.slice(0, n) };
  const bits = valid.length * 8;
  if (valid.length <= ALL_FLIPS_UP_TO) {
    for (let b = 0; b < bits; b++) yield { what: `bit ${b}`, bytes: flip(valid, b) };
  } else {
    for (let i = 0; i < FLIP_SAMPLE; i++) {
      const b = next() % bits;
      yield { what: `bit ${b}`, bytes: flip(valid, b) };
    }
  }
  const step = Math.max(1, Math.floor(valid.length / 256));
  for (let i = 0; i < valid.length; i += step) {
    for (const fill of [
      [0xff, 0xff, 0xff, 0xff],
      [0x7f, 0xff, 0xff, 0xff],
      [0x80, 0, 0, 0],
    ]) {
      const c = valid.slice();
      c.set(fill.slice(0, c.length - i), i);
      yield { what: `length ${fill[0].toString(16)}.. at ${i}`, bytes: c };
    }
    const der = new Uint8Array(valid.length + 4);
    der.set(valid.subarray(0, i));
    der.set([0x84, 0xff, 0xff, 0xff, 0xf0], i);
    der.set(valid.subarray(i + 1), i + 5);
    yield { what: `DER length 0x84fffffff0 at ${i}`, bytes: der };
  }
  yield* garbage(seed, valid[0]);
  for (let i = 0; i < 64; i++) {
    const tail = randomBytes(next, 1 + (next() % 64));
    yield { what: `tail ${i}`, bytes: concatBytes(valid, tail) };
  }
}

/** Random bytes of many lengths (0..4096), some starting with the valid input's first byte. */
export function* garbage(seed: number, firstByte?: number): Generator<Mutant> {
  const next = rng(seed * 40503 + 17);
  const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 64, 100, 255, 256, 1000, 4096];
  for (let i = 0; i < 200; i++) {
    const n = i < lengths.length ? lengths[i] : next() % 600;
    const b = randomBytes(next, n);
    if (firstByte !== undefined && i % 2 === 1 && n > 0) b[0] = firstByte;
    yield { what: `garbage ${i} (${n} bytes)`, bytes: b };
  }
}

export function flip(b: Uint8Array, bit: number): Uint8Array {
  const c = b.slice();
  c[bit >>> 3] ^= 0x80 >>> (bit & 7);
  return c;
}

function randomBytes(next: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = next() & 0xff;
  return b;
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}

/** Counts of one parser's run, so a test can say what it exercised. */
export interface FuzzStats {
  ok: number;
  rejected: number;
}

/**
 * Fails unless `e` is a GssError whose calling error and routine error are each absent or one
 * of `majors` (MIT's mechglue may report both, e.g. CALL_INACCESSIBLE_READ | DEFECTIVE_TOKEN).
 */
export function assertGss(e: unknown, majors: readonly number[], what: string): void {
  if (!(e instanceof GssError)) {
    const name = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    assert.fail(`${what}: escaped ${name}\n${e instanceof Error ? e.stack : ''}`);
  }
  const calling = (e.major & 0xff000000) >>> 0;
  const routine = (e.major & 0x00ff0000) >>> 0;
  const fits = (part: number) => part === 0 || majors.includes(part);
  if (calling === 0 && routine === 0)
    assert.fail(`${what}: a GssError without an error status: ${e.message}`);
  if (!fits(calling) || !fits(routine)) {
    assert.fail(
      `${what}: major ${majorName(e.major)} not in ${majors.map(majorName).join('|')}: ${e.message}`,
    );
  }
}

/**
 * Each input must give a value or an allowed GssError, within `budgetMs` per input: generous,
 * as the machine is shared (a loaded CI box pauses a process for hundreds of ms); a hang or a
 * quadratic blow-up on a crafted length takes far longer.
 */
export function fuzzSync(
  name: string,
  inputs: Iterable<Mutant>,
  parse: (b: Uint8Array) => unknown,
  majors: readonly number[],
  budgetMs = 1500,
): FuzzStats {
  const stats: FuzzStats = { ok: 0, rejected: 0 };
  for (const m of inputs) {
    const t0 = performance.now();
    try {
      parse(m.bytes);
      stats.ok++;
    } catch (e) {
      assertGss(e, majors, `${name}, ${m.what}`);
      stats.rejected++;
    }
    const dt = performance.now() - t0;
    assert.ok(dt < budgetMs, `${name}, ${m.what}: took ${dt.toFixed(0)} ms`);
  }
  return stats;
}

/** The async form: a promise that neither settles with a non-GssError nor hangs. */
export async function fuzzAsync(
  name: string,
  inputs: Iterable<Mutant>,
  parse: (b: Uint8Array) => Promise<unknown>,
  majors: readonly number[],
  budgetMs = 8000,
): Promise<FuzzStats> {
  const stats: FuzzStats = { ok: 0, rejected: 0 };
  for (const m of inputs) {
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name}, ${m.what}: hung over ${budgetMs} ms`)), budgetMs);
    });
    try {
      await Promise.race([parse(m.bytes), hang]);
      stats.ok++;
    } catch (e) {
      if (e instanceof Error && e.message.includes(': hung over ')) throw e;
      assertGss(e, majors, `${name}, ${m.what}`);
      stats.rejected++;
    } finally {
      clearTimeout(timer);
    }
  }
  return stats;
}

/** A bounded sample of a generator: every k-th item, for the slow (network, async) parsers. */
export function* sample<T>(items: Iterable<T>, every: number): Generator<T> {
  let i = 0;
  for (const x of items) if (i++ % every === 0) yield x;
}
