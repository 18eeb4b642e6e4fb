/**
 * HMAC-SHA1 and HMAC-SHA256 (RFC 2104, FIPS 180-4) in JavaScript for small inputs, from the
 * chaining states after the key's ipad and opad blocks, computed once per derived key.
 *
 * Why: a per-message token MACs a few dozen bytes, which is two or three SHA compressions once
 * the pad blocks are precomputed; going through node:crypto instead costs four OpenSSL calls
 * and buffer objects, several times more. The compression functions use only 32-bit adds,
 * rotations and bitwise logic (no table indexed by data), so they run in constant time for a
 * given length as OpenSSL's do. Longer inputs go to OpenSSL (./primitives.ts MacKey).
 */

export type SmallHash = 'sha1' | 'sha256';

/** The largest input (the message, after the pad block) this path takes. */
export const SMALL_MAC_MAX = 512;

const K256 = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const IV1 = Int32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
const IV256 = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Message schedule scratch (SHA-1 needs 80 words, SHA-256 64). */
const w = new Int32Array(80);

function loadBlock(b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const j = off + 4 * i;
    w[i] = (b[j] << 24) | (b[j + 1] << 16) | (b[j + 2] << 8) | b[j + 3];
  }
}

function sha1Block(h: Int32Array, b: Uint8Array, off: number): void {
  loadBlock(b, off);
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0];
  let bb = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  // The four 20-round phases as separate loops: no branch per round.
  for (let i = 0; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((bb & c) | (~bb & d)) + e + 0x5a827999 + w[i]) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + 0x6ed9eba1 + w[i]) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((bb & c) | (bb & d) | (c & d)) + e + 0x8f1bbcdc + w[i]) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + 0xca62c1d6 + w[i]) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + bb) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
}

function sha256Block(h: Int32Array, b: Uint8Array, off: number): void {
  loadBlock(b, off);
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15];
    const y = w[i - 2];
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let a = h[0];
  let bb = h[1];
  let c = h[2];
  let d = h[3];
  let e = h[4];
  let f = h[5];
  let g = h[6];
  let hh = h[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K256[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + bb) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
}

/** Padding scratch: the message tail, 0x80, zeros and the bit length (at most two blocks). */
const tail = new Uint8Array(128);

/**
 * Finishes a hash whose state `h` has absorbed one 64-byte block (a pad), over `data[0..n)`:
 * updates `h` in place to the final state.
 */
function finish(hash: SmallHash, h: Int32Array, data: Uint8Array, n: number): void {
  const block = hash === 'sha1' ? sha1Block : sha256Block;
  let off = 0;
  for (; off + 64 <= n; off += 64) block(h, data, off);
  const r = n - off;
  const blocks = r + 9 <= 64 ? 1 : 2;
  for (let i = 0; i < r; i++) tail[i] = data[off + i];
  tail[r] = 0x80;
  tail.fill(0, r + 1, blocks * 64 - 4);
  const bits = (64 + n) * 8; // the pad block counts; n <= SMALL_MAC_MAX keeps this < 2^32
  const end = blocks * 64;
  tail[end - 4] = bits >>> 24;
  tail[end - 3] = (bits >>> 16) & 0xff;
  tail[end - 2] = (bits >>> 8) & 0xff;
  tail[end - 1] = bits & 0xff;
  block(h, tail, 0);
  if (blocks === 2) block(h, tail, 64);
  tail.fill(0, 0, r);
}

function stateBytes(h: Int32Array, out: Uint8Array): void {
  for (let i = 0; i < h.length; i++) {
    out[4 * i] = h[i] >>> 24;
    out[4 * i + 1] = (h[i] >>> 16) & 0xff;
    out[4 * i + 2] = (h[i] >>> 8) & 0xff;
    out[4 * i + 3] = h[i] & 0xff;
  }
}

/** The chaining states after the ipad and opad blocks of a key of at most 64 bytes. */
export interface PadStates {
  readonly hash: SmallHash;
  readonly inner: Int32Array;
  readonly outer: Int32Array;
}

export function padStates(hash: SmallHash, key: Uint8Array): PadStates {
  if (key.length > 64) throw new RangeError('HMAC key longer than a block');
  const pad = new Uint8Array(64);
  const inner = Int32Array.from(hash === 'sha1' ? IV1 : IV256);
  const outer = Int32Array.from(inner);
  const block = hash === 'sha1' ? sha1Block : sha256Block;
  pad.fill(0x36);
  for (let i = 0; i < key.length; i++) pad[i] ^= key[i];
  block(inner, pad, 0);
  pad.fill(0x5c);
  for (let i = 0; i < key.length; i++) pad[i] ^= key[i];
  block(outer, pad, 0);
  pad.fill(0);
  w.fill(0);
  return { hash, inner, outer };
}

const scratch = new Uint8Array(SMALL_MAC_MAX);
/** Working chaining states (the pad states are copied in; the final state is the public MAC). */
const h1 = new Int32Array(5);
const h256 = new Int32Array(8);

/** HMAC over the concatenation of `parts` (at most SMALL_MAC_MAX bytes in all). */
export function smallHmac(s: PadStates, parts: readonly Uint8Array[], n: number): Uint8Array {
  if (n > SMALL_MAC_MAX) throw new RangeError('input too long for smallHmac');
  let at = 0;
  for (const p of parts) {
    scratch.set(p, at);
    at += p.length;
  }
  const h = s.hash === 'sha1' ? h1 : h256;
  h.set(s.inner);
  finish(s.hash, h, scratch, n);
  scratch.fill(0, 0, n);
  const digestBytes = s.hash === 'sha1' ? 20 : 32;
  const inner = new Uint8Array(digestBytes);
  stateBytes(h, inner);
  h.set(s.outer);
  finish(s.hash, h, inner, digestBytes);
  const out = new Uint8Array(digestBytes);
  stateBytes(h, out);
  return out;
}

/** Wipes a PadStates (key-equivalent material). */
export function wipePadStates(s: PadStates): void {
  s.inner.fill(0);
  s.outer.fill(0);
}
