/**
 * HMAC-SHA1 (RFC 2104, FIPS 180-4 SHA-1) of short inputs, for the MACs of small Kerberos
 * messages (RFC 3962's HMAC-SHA1-96). A per-key state keeps the SHA-1 chaining values after the
 * K ^ ipad and K ^ opad blocks, so a MAC of up to SMALL_MAX bytes is two or three compressions
 * here, where two one-shot OpenSSL hashes compress four blocks and cost about 0.3 µs of call
 * overhead each (a 16-byte MIC round trip does four). Larger inputs stay in OpenSSL, which is
 * faster per block (docs/performance.md gives both figures).
 *
 * Constant time by construction: a fixed sequence of 32-bit additions, rotations and bitwise
 * operations; no table lookup, and the only branches depend on the input length, which is
 * public. Verified against node:crypto (test/unit/crypto/sha1-small.test.ts).
 */

/** Inputs up to this many bytes take this path: with the pad block, at most two data blocks. */
export const SMALL_MAX = 119;

const W = new Int32Array(80);
/** One or two blocks of message and padding; zeroed after each use (it holds plaintext). */
const block = new Uint8Array(128);
const state = new Int32Array(5);

/** SHA-1's compression of `b[at..at+64)` into `h` (FIPS 180-4 6.1.2). */
function compress(h: Int32Array, b: Uint8Array, at: number): void {
  for (let t = 0; t < 16; t++) {
    const i = at + 4 * t;
    W[t] = (b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
  }
  for (let t = 16; t < 80; t++) {
    const x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = h[0];
  let bb = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (bb & c) | (~bb & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = bb ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (bb & c) | (bb & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = bb ^ c ^ d;
      k = 0xca62c1d6;
    }
    const tmp = (((a << 5) | (a >>> 27)) + f + e + k + W[t]) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = tmp;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + bb) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
}

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/**
 * The chaining values after K ^ ipad (words 0-4) and K ^ opad (words 5-9), for a key of at
 * most one block (derived keys are 16 or 32 bytes).
 */
export function sha1PadStates(key: Uint8Array): Int32Array {
  const out = new Int32Array(10);
  for (const [pad, at] of [
    [0x36, 0],
    [0x5c, 5],
  ]) {
    for (let i = 0; i < 64; i++) block[i] = (i < key.length ? key[i] : 0) ^ pad;
    for (let i = 0; i < 5; i++) state[i] = IV[i];
    compress(state, block, 0);
    for (let i = 0; i < 5; i++) out[at + i] = state[i];
  }
  block.fill(0, 0, 64);
  state.fill(0);
  W.fill(0);
  return out;
}

/** Writes the big-endian words of `state` (the 20-byte digest) at `b[at..]`. */
function writeState(b: Uint8Array, at: number): void {
  for (let i = 0; i < 5; i++) {
    const w = state[i];
    b[at + 4 * i] = w >>> 24;
    b[at + 4 * i + 1] = (w >>> 16) & 0xff;
    b[at + 4 * i + 2] = (w >>> 8) & 0xff;
    b[at + 4 * i + 3] = w & 0xff;
  }
}

/**
 * HMAC-SHA1 of the concatenation of `parts` (`n` bytes in all, at most SMALL_MAX) under the
 * key of `pads` (sha1PadStates): the 20-byte digest is left in `out`.
 */
export function hmacSha1Small(
  pads: Int32Array,
  parts: readonly Uint8Array[],
  n: number,
  out: Uint8Array,
): void {
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) block[at + i] = p[i];
    at += p.length;
  }
  // Padding: 0x80, zeros, then the bit length of pad block + message, in one or two blocks.
  block[at] = 0x80;
  const blocks = n + 9 <= 64 ? 1 : 2;
  const end = 64 * blocks;
  block.fill(0, at + 1, end - 4);
  const bits = (64 + n) * 8;
  block[end - 4] = bits >>> 24;
  block[end - 3] = (bits >>> 16) & 0xff;
  block[end - 2] = (bits >>> 8) & 0xff;
  block[end - 1] = bits & 0xff;
  for (let i = 0; i < 5; i++) state[i] = pads[i];
  compress(state, block, 0);
  if (blocks === 2) compress(state, block, 64);
  // The outer hash: opad's state, then the inner digest with its padding (84 bytes in all).
  writeState(block, 0);
  block[20] = 0x80;
  block.fill(0, 21, 62);
  block[62] = (84 * 8) >>> 8;
  block[63] = (84 * 8) & 0xff;
  for (let i = 0; i < 5; i++) state[i] = pads[5 + i];
  compress(state, block, 0);
  writeState(out, 0);
  state.fill(0);
  block.fill(0, 0, end);
  W.fill(0);
}
