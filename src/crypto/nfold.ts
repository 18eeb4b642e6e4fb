/**
 * n-fold (RFC 3961 section 5.1): stretch or shrink `input` to `outBytes` bytes. The input is
 * repeated lcm(inBytes, outBytes) / inBytes times, each copy rotated right by 13 more bits, and
 * the concatenation is added in outBytes chunks with one's-complement addition.
 * Used only on short constants during key derivation (and cached), so a bitwise loop is fine.
 */
function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function nfold(input: Uint8Array, outBytes: number): Uint8Array {
  const inBytes = input.length;
  if (inBytes === 0 || outBytes <= 0) throw new RangeError('n-fold needs non-empty input and output');
  const inBits = inBytes * 8;
  const lcm = (inBytes * outBytes) / gcd(inBytes, outBytes);
  const out = new Uint8Array(outBytes);
  // Walk the lcm bytes of the repeated, rotated input from the last byte to the first,
  // adding each into its output position with a running carry (big-endian addition).
  let carry = 0;
  for (let i = lcm - 1; i >= 0; i--) {
    // Byte i of the stream: byte i % inBytes of copy floor(i / inBytes), whose bit j is bit
    // (j - 13 * copy) mod inBits of the input (a right rotation).
    const shift = 13 * Math.floor(i / inBytes);
    const first = 8 * (i % inBytes) - shift;
    let v = 0;
    for (let t = 0; t < 8; t++) {
      const pos = (((first + t) % inBits) + inBits) % inBits;
      v = (v << 1) | ((input[pos >> 3] >> (7 - (pos & 7))) & 1);
    }
    carry += out[i % outBytes] + v;
    out[i % outBytes] = carry & 0xff;
    carry >>>= 8;
  }
  // End-around carry (one's-complement addition).
  for (let i = outBytes - 1; carry !== 0; i = (i - 1 + outBytes) % outBytes) {
    carry += out[i];
    out[i] = carry & 0xff;
    carry >>>= 8;
  }
  return out;
}
