import { markAsUntransferable } from 'node:worker_threads';

/**
 * Buffers for what goes on the wire (token headers, ciphertexts, MACs, messages sent in clear),
 * up to SLAB_MAX bytes, carved from a slab of our own as Node's Buffer pool does: a fresh
 * ArrayBuffer costs about 0.6 µs whatever its size (off-heap memory and its accounting), more
 * than encrypting a small message. Never plaintext that is sent encrypted, never keys, nothing of
 * Node's pool; every byte handed out is written by the caller. A slab is marked untransferable,
 * as Node's pool is: a caller passing a token's `.buffer` in a transfer list gets a copy sent,
 * and the other tokens in the slab stay intact. Larger buffers get an ArrayBuffer of their own.
 */
const SLAB = 16384;
/**
 * The token of a 1 KiB message is 1084 to 1104 bytes (header, confounder, header copy, MAC):
 * 2 KiB keeps it in the slab (with 1024 it took an ArrayBuffer of its own per token).
 */
const SLAB_MAX = 2048;
let slab = newSlab();
let slabAt = 0;
function newSlab(): ArrayBuffer {
  const ab = new ArrayBuffer(SLAB);
  markAsUntransferable(ab);
  return ab;
}
export function wireBytes(n: number): Uint8Array {
  if (n > SLAB_MAX) {
    const b = Buffer.allocUnsafeSlow(n);
    return new Uint8Array(b.buffer, b.byteOffset, n);
  }
  if (slabAt + n > SLAB) {
    slab = newSlab();
    slabAt = 0;
  }
  const out = new Uint8Array(slab, slabAt, n);
  slabAt += (n + 7) & ~7;
  return out;
}

/** Byte helpers. `Uint8Array` throughout; hex is for tests and traces only. */

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Not constant time: for public data only. MACs use crypto's constant-time comparison. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError('invalid hex string');
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

const decoder = new TextDecoder('utf-8', { fatal: false });
export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Overwrite with zeros: for buffers that held keys or exported contexts. */
export function wipe(b: Uint8Array | undefined): void {
  b?.fill(0);
}

export function writeUint32BE(out: Uint8Array, off: number, v: number): void {
  out[off] = (v >>> 24) & 0xff;
  out[off + 1] = (v >>> 16) & 0xff;
  out[off + 2] = (v >>> 8) & 0xff;
  out[off + 3] = v & 0xff;
}

export function readUint32BE(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}
