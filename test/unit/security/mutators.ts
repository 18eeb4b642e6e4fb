/**
 * Positional mutations for bytes that differ on every run (live KDC replies): the same damage as
 * fuzz-lib's `mutants`, applied to whatever bytes arrive, sampled so a network exchange per case
 * stays affordable.
 */
import { garbage, rng } from './fuzz-lib.js';

export interface Mutator {
  readonly what: string;
  apply(b: Uint8Array): Uint8Array;
}

/** About `count` mutators for inputs of about `length` bytes: cuts, bit flips, lengths, garbage. */
export function mutators(length: number, seed: number, count: number): Mutator[] {
  const next = rng(seed * 7919 + length);
  const out: Mutator[] = [];
  const quarter = Math.max(1, Math.floor(count / 4));
  for (let i = 0; i < quarter; i++) {
    const n = Math.floor((i * length) / quarter);
    out.push({ what: `cut at ${n}`, apply: (b) => b.slice(0, Math.min(n, b.length - 1)) });
  }
  for (let i = 0; i < quarter; i++) {
    const bit = next() % (length * 8);
    out.push({
      what: `bit ${bit}`,
      apply: (b) => {
        const c = b.slice();
        const at = (bit >>> 3) % c.length;
        c[at] ^= 0x80 >>> (bit & 7);
        return c;
      },
    });
  }
  for (let i = 0; i < quarter / 2; i++) {
    const at = next() % length;
    out.push({
      what: `length ffffffff at ${at}`,
      apply: (b) => {
        const c = b.slice();
        for (let j = at; j < Math.min(at + 4, c.length); j++) c[j] = 0xff;
        return c;
      },
    });
    out.push({
      what: `DER length 0x84fffffff0 at ${at}`,
      apply: (b) => {
        const c = new Uint8Array(b.length + 4);
        const k = Math.min(at, b.length - 1);
        c.set(b.subarray(0, k));
        c.set([0x84, 0xff, 0xff, 0xff, 0xf0], k);
        c.set(b.subarray(k + 1), k + 5);
        return c;
      },
    });
  }
  let i = 0;
  for (const g of garbage(seed)) {
    if (i++ >= quarter) break;
    out.push({ what: g.what, apply: () => g.bytes });
  }
  return out;
}
