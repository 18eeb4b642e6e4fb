/**
 * The acceptor's replay cache (RFC 4120 3.2.3). As MIT 1.18+, an authenticator is identified by
 * a tag: the last checksum-length bytes of its ciphertext (the integrity tag, which no one can
 * forge for a different authenticator); it is remembered until the clock-skew window around its
 * time has passed. The interface is one call, so a cache shared between the processes of one
 * server (a file or a socket to a keeper process) can replace the in-process one.
 */
export interface ReplayCache {
  /**
   * Records `tag` until `expiresAt` (milliseconds since the epoch). Returns false when the tag was
   * already recorded and has not expired: a replay. May be asynchronous for a shared cache.
   */
  checkAndStore(tag: Uint8Array, expiresAt: number): boolean | Promise<boolean>;
}

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

  get size(): number {
    return this.#entries.size;
  }

  #sweep(now: number): void {
    for (const [k, exp] of this.#entries) if (exp <= now) this.#entries.delete(k);
    // Amortized: sweep again when the cache has doubled since this sweep.
    this.#nextSweep = Math.max(1024, this.#entries.size * 2);
  }
}

let defaultCache: ReplayCache | undefined;

/** The process-wide cache acceptors use unless given their own (MIT: one rcache per process). */
export function defaultReplayCache(): ReplayCache {
  defaultCache ??= new MemoryReplayCache();
  return defaultCache;
}

/** Installs the process-wide cache (e.g. one shared between a server's worker processes). */
export function setDefaultReplayCache(cache: ReplayCache): void {
  defaultCache = cache;
}
