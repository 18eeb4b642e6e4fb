import type { ReplayCache } from './replay-cache.js';

/** An in-process cache: a map from tag to expiry, swept of expired entries as it grows. */
export class MemoryReplayCache implements ReplayCache {
  readonly #entries = new Map<string, number>();
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  checkAndStore(tag: Uint8Array, expiresAt: number): boolean {
    const now = this.#now();
    // One char per byte: half the memory of hex for a cache that holds minutes of AP-REQs. By
    // apply (an array-like) rather than a spread, which walks the iterator: 0.15 against 0.8 µs.
    const key = String.fromCharCode.apply(null, tag as unknown as number[]);
    const seen = this.#entries.get(key);
    if (seen !== undefined && seen > now) return false;
    this.#entries.set(key, expiresAt);
    if (this.#entries.size >= this.#nextSweep) this.#sweep(now);
    return true;
  }

  /** The number of tags held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    for (const [k, exp] of this.#entries) if (exp <= now) this.#entries.delete(k);
    // Amortized: sweep again when the cache has doubled since this sweep.
    this.#nextSweep = Math.max(1024, this.#entries.size * 2);
  }
}
