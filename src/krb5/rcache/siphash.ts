/**
 * SipHash-2-4 (Aumasson and Bernstein, https://131002.net/siphash/siphash.pdf), the keyed hash
 * MIT's file2 replay cache places records with (k5_siphash24: the 16-byte seed as two
 * little-endian 64-bit keys). The 64-bit lanes are kept as 32-bit halves: no BigInt per round.
 */

// v0..v3 as [hi, lo] pairs: s[0],s[1] = v0; s[2],s[3] = v1; s[4],s[5] = v2; s[6],s[7] = v3.
const s = new Uint32Array(8);

function add(d: number, a: number): void {
  const lo = (s[d + 1] + s[a + 1]) >>> 0;
  s[d] = (s[d] + s[a] + (lo < s[a + 1] ? 1 : 0)) >>> 0;
  s[d + 1] = lo;
}

/** Lane d rotated left by r (0 < r < 32), then xored with lane x. */
function rotlXor(d: number, r: number, x: number): void {
  const hi = s[d];
  const lo = s[d + 1];
  s[d] = ((hi << r) | (lo >>> (32 - r))) ^ s[x];
  s[d + 1] = ((lo << r) | (hi >>> (32 - r))) ^ s[x + 1];
}

function swapHalves(d: number): void {
  const hi = s[d];
  s[d] = s[d + 1];
  s[d + 1] = hi;
}

function sipRound(): void {
  add(0, 2);
  add(4, 6);
  rotlXor(2, 13, 0);
  rotlXor(6, 16, 4);
  swapHalves(0);
  add(4, 2);
  add(0, 6);
  rotlXor(2, 17, 4);
  rotlXor(6, 21, 0);
  swapHalves(4);
}

function le32(b: Uint8Array, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

/** Compression of one message word (hi, lo): v3 ^= m, two rounds, v0 ^= m. */
function absorb(hi: number, lo: number): void {
  s[6] ^= hi;
  s[7] ^= lo;
  sipRound();
  sipRound();
  s[0] ^= hi;
  s[1] ^= lo;
}

/** SipHash-2-4 of `data` under a 16-byte `seed`, as [high 32 bits, low 32 bits]. */
export function siphash24(data: Uint8Array, seed: Uint8Array): [number, number] {
  const k0l = le32(seed, 0);
  const k0h = le32(seed, 4);
  const k1l = le32(seed, 8);
  const k1h = le32(seed, 12);
  // "somepseudorandomlygeneratedbytes"
  s[0] = k0h ^ 0x736f6d65;
  s[1] = k0l ^ 0x70736575;
  s[2] = k1h ^ 0x646f7261;
  s[3] = k1l ^ 0x6e646f6d;
  s[4] = k0h ^ 0x6c796765;
  s[5] = k0l ^ 0x6e657261;
  s[6] = k1h ^ 0x74656462;
  s[7] = k1l ^ 0x79746573;
  const full = data.length - (data.length % 8);
  for (let p = 0; p < full; p += 8) absorb(le32(data, p + 4), le32(data, p));
  // The last 0-7 bytes, the length mod 256 in the top byte.
  const last = new Uint8Array(8);
  last.set(data.subarray(full));
  last[7] = data.length & 0xff;
  absorb(le32(last, 4), le32(last, 0));
  s[5] ^= 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  return [(s[0] ^ s[2] ^ s[4] ^ s[6]) >>> 0, (s[1] ^ s[3] ^ s[5] ^ s[7]) >>> 0];
}

/** The 64-bit value [hi, lo] modulo n (n < 2^31) without BigInt: 2^32 taken as 2^16 twice. */
export function mod64([hi, lo]: [number, number], n: number): number {
  return ((((hi % n) * 0x10000) % n) * 0x10000 + lo) % n;
}
