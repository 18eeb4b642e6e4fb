/**
 * A bounded set of the derived keys that are in use now. Per-message speed wants state kept per
 * derived key (running AES-CBC contexts in ./cts.ts, HMAC pad blocks in a scratch area of their
 * own in ./primitives.ts), but a server holds thousands of contexts of which few are busy at any
 * moment: that state is kept for recently used keys only. When a set is full, a key not used
 * since the last sweep loses it (zeroed first), chosen by the CLOCK algorithm (second chance):
 * a use costs one field store, an admission amortized O(1). A key that lost its state rebuilds
 * it on its next use (a few microseconds); the derived key bytes themselves stay with the key.
 */

/** A holder of droppable per-key state. */
export interface Warm {
  /** Set by the holder at each use; cleared by the sweep, which spares it once. */
  recent: boolean;
  /** Zeroes and drops the state; the holder rebuilds it when used again. */
  cool(): void;
}

/** At most `limit` members keep their state; admitting one more cools one not used lately. */
export class HotSet {
  readonly #members: Warm[] = [];
  readonly #limit: number;
  #hand = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Records that `m` now holds state, cooling another member first when the set is full. */
  admit(m: Warm): void {
    const ms = this.#members;
    m.recent = true;
    if (ms.length < this.#limit) {
      ms.push(m);
      return;
    }
    // Each member passed over has its mark cleared, so the sweep ends within one turn.
    while (ms[this.#hand].recent) {
      ms[this.#hand].recent = false;
      this.#hand = (this.#hand + 1) % ms.length;
    }
    const out = ms[this.#hand];
    ms[this.#hand] = m;
    this.#hand = (this.#hand + 1) % ms.length;
    out.cool();
  }

  /** Forgets `m` (its owner dropped the state itself: a wiped key). */
  remove(m: Warm): void {
    const ms = this.#members;
    const i = ms.indexOf(m);
    if (i < 0) return;
    ms[i] = ms[ms.length - 1];
    ms.pop();
    if (this.#hand >= ms.length) this.#hand = 0;
  }
}
