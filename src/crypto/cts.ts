/**
 * AES-CTS (RFC 3962 section 5: CBC with the last two blocks swapped and the final one
 * truncated, "CBC-CS3"), on whole buffers: OpenSSL does one CBC pass, JavaScript only moves
 * the last two blocks. Node 20's OpenSSL build has no CTS cipher.
 *
 * A CtsKey keeps one CBC encryption and one decryption context for the life of the derived key
 * (creating a context costs more than encrypting a small message). Every message must start
 * from the zero IV; a running context instead chains from the last ciphertext block it saw, so
 * that block is XORed into the first block on the way in (encryption) or out (decryption):
 * E(P1 ^ chain ^ chain) = E(P1 ^ 0).
 */
import { wireBytes } from '../util/bytes.js';
import { HotSet, type Warm } from './hot-set.js';
import { type CbcDecryptor, type CbcEncryptor, cbcDecryptor, cbcEncryptor } from './primitives.js';

const BLOCK = 16;
const ZERO_BLOCK = new Uint8Array(BLOCK);
/** Messages up to this size are gathered into one buffer: one OpenSSL call instead of three. */
const GATHER = 4096;
const gather = new Uint8Array(GATHER);
/** Views of `gather` by length, made once each (a view costs about as much as a small copy). */
const gatherViews: (Uint8Array | undefined)[] = [];
function gathered(n: number): Uint8Array {
  gatherViews[n] ??= gather.subarray(0, n);
  return gatherViews[n];
}

/**
 * Copies `len` bytes: a loop for the 16- to 64-byte moves of small messages (set() on views
 * costs a view each), set() beyond.
 */
function copyBytes(src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number, len: number): void {
  if (len <= 64) {
    for (let i = 0; i < len; i++) dst[dstAt + i] = src[srcAt + i];
  } else {
    dst.set(src.subarray(srcAt, srcAt + len), dstAt);
  }
}

function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
function xorInto(dst: Uint8Array, at: number, a: Uint8Array): void {
  for (let i = 0; i < BLOCK; i++) dst[at + i] ^= a[i];
}

/**
 * At most this many keys keep their running CBC contexts (./hot-set.ts): a context costs about
 * 0.7 KB with OpenSSL's key schedule, and a server's idle security contexts need none.
 */
const LIVE_KEYS = 256;
const liveKeys = new HotSet(LIVE_KEYS);
/** The chaining blocks of a key without contexts: zero, and never written but with zeros. */
const COLD = new Uint8Array(BLOCK);

export class CtsKey implements Warm {
  /**
   * Raw key bytes, kept (as MacKey does) so that each CBC context is made straight from them:
   * a key object first would cost as much again, for keys used once (an AP-REQ's).
   */
  readonly #key: Uint8Array;
  #enc: CbcEncryptor | undefined;
  /** The chaining blocks of the running contexts (COLD, all zero, while there are none). */
  #encChain = COLD;
  #dec: CbcDecryptor | undefined;
  #decChain = COLD;
  #live = false;
  /** Used since the live set's last sweep (./hot-set.ts). */
  recent = false;

  constructor(keyBytes: Uint8Array) {
    this.#key = keyBytes.slice();
  }

  /** Drops both contexts (made again from the zero IV on the next use) and zeroes the chains. */
  cool(): void {
    this.#enc = undefined;
    this.#dec = undefined;
    this.#encChain.fill(0);
    this.#decChain.fill(0);
    this.#encChain = COLD;
    this.#decChain = COLD;
    this.#live = false;
  }

  /** Zeroes the key bytes (forgetDerivedKeys); the CBC contexts are dropped for GC. */
  wipe(): void {
    this.#key.fill(0);
    if (this.#live) liveKeys.remove(this);
    this.cool();
  }

  /** Marks a use, and joins the live set when a context is about to be made. */
  #use(): void {
    this.recent = true;
    if (!this.#live) {
      this.#live = true;
      this.#encChain = new Uint8Array(BLOCK);
      this.#decChain = new Uint8Array(BLOCK);
      liveKeys.admit(this);
    }
  }

  /**
   * Encrypts the concatenation of `parts` (at least one block in all) from the zero IV into a
   * fresh buffer with `spare` bytes left at its end for the caller's MAC, and `lead` bytes left at
   * its start for the caller's header (so a token needs no second copy).
   */
  encrypt(parts: readonly Uint8Array[], spare: number, lead = 0): Uint8Array {
    let n = 0;
    for (const p of parts) n += p.length;
    if (n < BLOCK) throw new RangeError('AES-CTS input shorter than one block');
    const m = Math.ceil(n / BLOCK);
    const padded = BLOCK * m;
    // CBC blocks C1..Cm, gathered as: `head` (all but the last one or two), then the rest.
    const out = wireBytes(lead + n + spare);
    this.#use();
    this.#enc ??= cbcEncryptor(this.#key);
    const c = this.#enc;
    try {
      if (padded <= GATHER) {
        // One scratch buffer for all keys: update() copies out before anything else runs.
        let off = 0;
        for (const p of parts) {
          gather.set(p, off);
          off += p.length;
        }
        gather.fill(0, n, padded); // CBC pads the last block with zeros
        xorInto(gather, 0, this.#encChain);
        const cbc = c.update(gathered(padded));
        gather.fill(0, 0, padded); // plaintext does not linger
        // C1..Cm into `out` in one copy, then the last two blocks swapped in place:
        // C1..C(m-2) | Cm | the first r bytes of C(m-1). The context chains from Cm.
        const r = n - BLOCK * (m - 1);
        if (m === 1) {
          out.set(cbc, lead);
        } else if (r === BLOCK) {
          out.set(cbc, lead);
          const x = lead + padded - 2 * BLOCK;
          for (let i = 0; i < BLOCK; i++) {
            const t = out[x + i];
            out[x + i] = out[x + BLOCK + i];
            out[x + BLOCK + i] = t;
          }
        } else {
          // `out` has room for n bytes only: the partial C(m-1) comes from `cbc`.
          copyBytes(cbc, 0, out, lead, BLOCK * (m - 2));
          copyBytes(cbc, padded - BLOCK, out, lead + BLOCK * (m - 2), BLOCK);
          copyBytes(cbc, padded - 2 * BLOCK, out, lead + BLOCK * (m - 1), r);
        }
        const cmAt = m === 1 ? lead : lead + BLOCK * (m - 2);
        for (let i = 0; i < BLOCK; i++) this.#encChain[i] = out[cmAt + i];
        return out;
      }
      // Large messages (m > 2): the first block goes in alone (XORed with the chain), the rest
      // of each part streams through straight into `out`.
      const first = new Uint8Array(BLOCK);
      let off = 0;
      for (const p of parts) {
        if (off >= BLOCK) break;
        first.set(p.subarray(0, BLOCK - off), off);
        off += Math.min(p.length, BLOCK - off);
      }
      xorInto(first, 0, this.#encChain);
      out.set(c.update(first), lead);
      let at = BLOCK;
      let skip = BLOCK;
      for (const p of parts) {
        const rest = p.length > skip ? p.subarray(skip) : undefined;
        skip = Math.max(0, skip - p.length);
        if (rest) {
          const chunk = c.update(rest);
          out.set(chunk, lead + at);
          at += chunk.length;
        }
      }
      // `at` is 16 * floor(n / 16): OpenSSL holds a partial last block until padded.
      const tail = n % BLOCK ? c.update(new Uint8Array(BLOCK - (n % BLOCK))) : new Uint8Array(0);
      // C(m-1) | Cm, apart from `out` (whose tail they are rearranged into).
      const last2 = new Uint8Array(2 * BLOCK);
      last2.set(out.subarray(lead + BLOCK * (m - 2), lead + at), 0);
      last2.set(tail, at - BLOCK * (m - 2));
      copyBytes(last2, BLOCK, out, lead + BLOCK * (m - 2), BLOCK); // Cm
      copyBytes(last2, 0, out, lead + BLOCK * (m - 1), n - BLOCK * (m - 1)); // C(m-1), truncated
      copyBytes(last2, BLOCK, this.#encChain, 0, BLOCK);
    } catch (e) {
      this.#enc = undefined;
      this.#encChain.fill(0);
      throw e;
    }
    return out;
  }

  /**
   * Decrypts `src[at..at+n]` (n at least one block) from the zero IV. Returns the n-byte plaintext,
   * possibly a view into a larger buffer, possibly a Buffer (callers that hand it on make their
   * own plain view).
   *
   * No copy when `src` has bytes after the ciphertext (Kerberos puts the MAC there) to fill the
   * last partial block: one CBC update runs over whole blocks of `src`, and the swapped tail is
   * repaired in place with one more block. Otherwise the bulk is copied into a larger buffer.
   */
  decrypt(src: Uint8Array, n: number, at = 0): Uint8Array {
    if (n < BLOCK || at + n > src.length) throw new RangeError('AES-CTS input shorter than one block');
    this.#use();
    this.#dec ??= cbcDecryptor(this.#key);
    const d = this.#dec;
    try {
      const m = Math.ceil(n / BLOCK);
      const r = n - BLOCK * (m - 1);
      if (r === BLOCK && n <= GATHER) {
        // Whole blocks (every CFX token whose confounder, data and header fill blocks, e.g.
        // 1 KiB or 16 B of data): CTS is CBC with the last two blocks swapped, so swapping them
        // back in the scratch buffer leaves one CBC pass, one OpenSSL call instead of two. The
        // update's own Buffer is returned as it is: a view of it costs as much as the copies.
        const xAt = m === 1 ? 0 : BLOCK * (m - 2); // where Cm is sent
        if (xAt <= 64) {
          for (let i = 0; i < xAt; i++) gather[i] = src[at + i];
        } else {
          gather.set(src.subarray(at, at + xAt), 0);
        }
        if (m === 1) {
          for (let i = 0; i < BLOCK; i++) gather[i] = src[at + i];
        } else {
          for (let i = 0; i < BLOCK; i++) {
            gather[xAt + i] = src[at + xAt + BLOCK + i]; // C(m-1)
            gather[xAt + BLOCK + i] = src[at + xAt + i]; // Cm
          }
        }
        const out = d.update(gathered(n));
        xorInto(out, 0, this.#decChain); // as if from the zero IV
        for (let i = 0; i < BLOCK; i++) this.#decChain[i] = gather[n - BLOCK + i]; // chains from Cm
        return out;
      }
      const xAt = BLOCK * (m - 2); // where Cm is sent
      // Plain Uint8Array views: Buffer subarrays cost a species constructor call each.
      let buf = Buffer.isBuffer(src) ? plain(src) : src;
      if (at !== 0) buf = buf.subarray(at); // with what follows (see above)
      if (buf.length < BLOCK * m && BLOCK * m <= GATHER) {
        // Nothing after the ciphertext to fill its last partial block (an AP-REQ authenticator
        // whose MAC is shorter than the padding): copy it into the scratch buffer, whose spare
        // bytes serve, rather than a pooled Buffer for the bulk (pool churn showed at about 7%
        // of accept_sec_context) and a copy of the update's output.
        const scratch = new Uint8Array(gather.buffer, gather.byteOffset, BLOCK * m);
        scratch.set(buf.subarray(0, n));
        buf = scratch;
      }
      const x = buf.subarray(xAt, xAt + BLOCK);
      const y = buf.subarray(xAt + BLOCK, n);
      const before = m > 2 ? buf.subarray(xAt - BLOCK, xAt) : ZERO_BLOCK; // C(m-2), or the IV
      let out: Buffer;
      let chain: Uint8Array; // the context's chaining block after the bulk update
      if (buf.length >= BLOCK * m) {
        out = d.update(buf.subarray(0, BLOCK * m)); // the last block is garbage, overwritten
        chain = buf.subarray(BLOCK * (m - 1), BLOCK * m);
      } else {
        out = Buffer.allocUnsafe(BLOCK * m);
        d.update(buf.subarray(0, xAt + BLOCK)).copy(out, 0);
        chain = x;
      }
      xorInto(out, 0, this.#decChain); // as if from the zero IV
      // out block m-2 is AES^-1(Cm) ^ C(m-2), and AES^-1(Cm) = C(m-1) ^ (Pm | zeros).
      const cPrev = new Uint8Array(BLOCK);
      for (let i = 0; i < BLOCK; i++) {
        const v = out[xAt + i] ^ before[i];
        if (i < r) {
          cPrev[i] = y[i];
          out[xAt + BLOCK + i] = v ^ y[i]; // Pm
        } else {
          cPrev[i] = v;
        }
      }
      // Decrypt C(m-1): the context chains from `chain`; undo that and apply C(m-2) instead.
      const p = d.update(cPrev);
      for (let i = 0; i < BLOCK; i++) out[xAt + i] = p[i] ^ chain[i] ^ before[i];
      this.#decChain.set(cPrev);
      return plain(out).subarray(0, n);
    } catch (e) {
      this.#dec = undefined;
      this.#decChain.fill(0);
      throw e;
    }
  }
}
