/**
 * The only importer of node:crypto (OpenSSL). Everything above this file sees Uint8Array and
 * opaque `SecretKey` handles. AES-CTS (RFC 3962 section 5, the "CBC-CS3" swap) is done here on
 * whole buffers: one CBC pass through OpenSSL plus a fix-up of the last two blocks, no per-block
 * JavaScript loop.
 */
import {
  type Cipher,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createSecretKey,
  type Decipher,
  type KeyObject,
  randomBytes as nodeRandomBytes,
  pbkdf2Sync,
  timingSafeEqual,
} from 'node:crypto';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../gssapi/status.js';

export type HashName = 'sha1' | 'sha256' | 'sha384';

/** An opaque key handle (an OpenSSL secret key object), made once per derived key. */
export type SecretKey = KeyObject;

const BLOCK = 16;
const ZERO_BLOCK = new Uint8Array(BLOCK);

export function secretKey(bytes: Uint8Array): SecretKey {
  return createSecretKey(bytes);
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

function cbcName(keyBytes: number): string {
  return keyBytes === 16 ? 'aes-128-cbc' : 'aes-256-cbc';
}
function ecbName(keyBytes: number): string {
  return keyBytes === 16 ? 'aes-128-ecb' : 'aes-256-ecb';
}

function cbcEncryptor(key: SecretKey): Cipher {
  const c = createCipheriv(cbcName(key.symmetricKeySize ?? 0), key, ZERO_BLOCK);
  c.setAutoPadding(false);
  return c;
}
function cbcDecryptor(key: SecretKey): Decipher {
  const d = createDecipheriv(cbcName(key.symmetricKeySize ?? 0), key, ZERO_BLOCK);
  d.setAutoPadding(false);
  return d;
}

/**
 * AES in ECB over whole blocks, each encrypted independently: RFC 3961 DR's E(key, block) with
 * a zero initial cipher state, chained by the caller through `next`.
 */
export function aesEncryptBlocks(key: Uint8Array, first: Uint8Array, count: number): Uint8Array {
  const c = createCipheriv(ecbName(key.length), key, null);
  c.setAutoPadding(false);
  const out = new Uint8Array(count * BLOCK);
  let block: Uint8Array = first;
  for (let i = 0; i < count; i++) {
    block = c.update(block);
    out.set(block, i * BLOCK);
  }
  return out;
}

/**
 * AES-CTS encryption (RFC 3962 section 5) of the concatenation of `parts` with a zero IV,
 * into a fresh buffer with `spare` bytes left at the end (for the caller's MAC, no extra copy).
 * The total input must be at least one block.
 */
export function ctsEncrypt(key: SecretKey, parts: readonly Uint8Array[], spare: number): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  if (n < BLOCK) throw new RangeError('AES-CTS input shorter than one block');
  // Not from Buffer's shared pool: callers get a Uint8Array that owns its ArrayBuffer.
  const out = Buffer.allocUnsafeSlow(n + spare);
  const c = cbcEncryptor(key);
  let off = 0;
  for (const p of parts) {
    const o = c.update(asBuffer(p));
    o.copy(out, off);
    off += o.length;
  }
  const r = n % BLOCK;
  if (r !== 0) {
    // Zero-pad the final partial block; OpenSSL holds it until it is whole. Then output
    // C1..C(m-2) | Cm | first r bytes of C(m-1): off is 16(m-1) here.
    const last = c.update(Buffer.alloc(BLOCK - r));
    const prev = off - BLOCK;
    out.copyWithin(off, prev, prev + r);
    last.copy(out, prev);
  } else if (n > BLOCK) {
    // Whole blocks: CS3 still swaps the last two.
    const a = n - 2 * BLOCK;
    const t = Buffer.from(out.subarray(a, a + BLOCK));
    out.copyWithin(a, a + BLOCK, n);
    t.copy(out, a + BLOCK);
  }
  return plain(out);
}

/** A plain Uint8Array view of a Buffer (same memory), so callers never receive Buffer objects. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/**
 * AES-CTS decryption with a zero IV of `src[0..n]` (n at least one block). Returns the n-byte
 * plaintext, possibly a view into a larger buffer.
 *
 * Fast path, no copy: when `src` has bytes after the ciphertext (Kerberos puts the MAC there)
 * to fill the last partial block, one CBC update runs over whole blocks of `src`; the swapped
 * tail (Cm sent before the r stolen bytes of C(m-1)) is then fixed up in place with one more
 * block. Otherwise the bulk is copied into a buffer with room for the tail.
 */
export function ctsDecrypt(key: SecretKey, src: Uint8Array, n: number): Uint8Array {
  if (n < BLOCK || n > src.length) throw new RangeError('AES-CTS input shorter than one block');
  const d = cbcDecryptor(key);
  const buf = asBuffer(src);
  if (n === BLOCK) return plain(d.update(buf.subarray(0, BLOCK)));
  const m = Math.ceil(n / BLOCK);
  const r = n - BLOCK * (m - 1);
  const xAt = BLOCK * (m - 2); // where Cm is sent
  const x = buf.subarray(xAt, xAt + BLOCK);
  const y = buf.subarray(xAt + BLOCK, n);
  const before = m > 2 ? buf.subarray(xAt - BLOCK, xAt) : ZERO_BLOCK; // C(m-2), or the IV
  let out: Buffer;
  let chain: Uint8Array; // the decipher's chaining block after the bulk update
  if (src.length >= BLOCK * m) {
    out = d.update(buf.subarray(0, BLOCK * m)); // the last block decrypts to garbage, overwritten
    chain = buf.subarray(BLOCK * (m - 1), BLOCK * m);
  } else {
    out = Buffer.allocUnsafeSlow(BLOCK * m);
    d.update(buf.subarray(0, xAt + BLOCK)).copy(out, 0);
    chain = x;
  }
  // out block m-2 is AES^-1(Cm) ^ C(m-2), and AES^-1(Cm) = C(m-1) ^ (Pm | zeros).
  const cPrev = Buffer.allocUnsafe(BLOCK);
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
  return plain(out).subarray(0, n);
}

/** HMAC over the concatenation of `parts`, without concatenating them. */
export function hmac(hash: HashName, key: SecretKey | Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return plain(h.digest());
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(data).digest());
}

export function pbkdf2(
  hash: HashName,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
) {
  return new Uint8Array(pbkdf2Sync(password, salt, iterations, length, hash));
}

export function digest(hash: HashName | 'md5', data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}

export function sha256(data: Uint8Array): Uint8Array {
  return digest('sha256', data);
}

/** MD5: only for RFC 4121 channel-binding hashes, never for protection. */
export function md5(data: Uint8Array): Uint8Array {
  return digest('md5', data);
}

export function randomBytes(n: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(n));
}

/**
 * Random bytes for a confounder, served from a 4 KiB block of CSPRNG output (one OpenSSL call
 * per 256 messages instead of one each). The view is only read while encrypting, never kept.
 */
let pool = new Uint8Array(0);
let poolAt = 0;
export function confounderBytes(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    pool = new Uint8Array(nodeRandomBytes(Math.max(4096, n)));
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** Constant time for equal lengths; a length mismatch returns false at once (lengths are public). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

const GCM_TAG = 16;

/** AES-256-GCM: ciphertext || tag(16). For our own sealed tokens (exported contexts). */
export function aeadSeal(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  if (key.length !== 32 || nonce.length !== 12)
    throw new RangeError('aeadSeal wants a 32-byte key and a 12-byte nonce');
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG });
  c.setAAD(aad);
  const body = c.update(plaintext);
  c.final();
  const out = new Uint8Array(body.length + GCM_TAG);
  out.set(body, 0);
  out.set(c.getAuthTag(), body.length);
  return out;
}

/** Opens aeadSeal's output; any failure is one GssError(GSS_S_DEFECTIVE_TOKEN), fixed message. */
export function aeadOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  const fail = () => new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'sealed token failed authentication');
  if (key.length !== 32 || nonce.length !== 12 || sealed.length < GCM_TAG) throw fail();
  try {
    const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: GCM_TAG });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - GCM_TAG));
    const body = d.update(sealed.subarray(0, sealed.length - GCM_TAG));
    d.final();
    return plain(body);
  } catch {
    throw fail();
  }
}
