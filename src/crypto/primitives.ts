/**
 * The only importer of node:crypto (OpenSSL). Everything above this file sees Uint8Array and
 * opaque key handles (`SecretKey`, `MacKey`); ./cts.ts builds AES-CTS on the CBC contexts made
 * here. Every cipher runs in OpenSSL, and every hash but one case: HMAC-SHA1 of inputs up to
 * 119 bytes (RFC 3962's MACs of small messages) is computed by ./sha1-small.ts from per-key pad
 * states, constant time by construction and measured faster there (docs/performance.md). Other
 * small HMACs are RFC 2104's two one-shot OpenSSL hashes over the pad blocks.
 */

import * as nodeCrypto from 'node:crypto';
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
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';
import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';
import { HotSet, type Warm } from './hot-set.js';
import { hmacSha1Small, SMALL_MAX, sha1PadStates } from './sha1-small.js';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'md5';

/** An opaque key handle (an OpenSSL secret key object), made once per derived key. */
export type SecretKey = KeyObject;

const BLOCK = 16;
const ZERO_BLOCK = new Uint8Array(BLOCK);

export function secretKey(bytes: Uint8Array): SecretKey {
  return createSecretKey(bytes);
}

function cbcName(keyBytes: number): string {
  return keyBytes === 16 ? 'aes-128-cbc' : 'aes-256-cbc';
}
function ecbName(keyBytes: number): string {
  return keyBytes === 16 ? 'aes-128-ecb' : 'aes-256-ecb';
}

/** CBC contexts with a zero IV and no padding, for ./cts.ts (which does the CTS swap). */
export type CbcEncryptor = Cipher;
export type CbcDecryptor = Decipher;

/** `key` as raw bytes saves making a key object for a context that is made once per key. */
export function cbcEncryptor(key: SecretKey | Uint8Array): Cipher {
  const size = key instanceof Uint8Array ? key.length : (key.symmetricKeySize ?? 0);
  const c = createCipheriv(cbcName(size), key, ZERO_BLOCK);
  c.setAutoPadding(false);
  return c;
}
export function cbcDecryptor(key: SecretKey | Uint8Array): Decipher {
  const size = key instanceof Uint8Array ? key.length : (key.symmetricKeySize ?? 0);
  const d = createDecipheriv(cbcName(size), key, ZERO_BLOCK);
  d.setAutoPadding(false);
  return d;
}

/**
 * AES in ECB over whole blocks, each encrypted independently: RFC 3961 DR's E(key, block) with
 * a zero initial cipher state, chained by the caller through `next`.
 */
export function aesEncryptBlocks(key: Uint8Array, first: Uint8Array, count: number): Uint8Array {
  if (count === 1) {
    const c = createCipheriv(ecbName(key.length), key, null);
    c.setAutoPadding(false);
    return plain(c.update(first));
  }
  // E(first), E(E(first)), ...: CBC with a zero IV over `first` then zero blocks chains exactly
  // so (C(i) = E(0 ^ C(i-1))), in one OpenSSL call.
  const c = createCipheriv(cbcName(key.length), key, ZERO_BLOCK);
  c.setAutoPadding(false);
  const input = new Uint8Array(count * BLOCK);
  input.set(first, 0);
  return plain(c.update(input));
}

/** An AES-ECB context (no padding) on raw key bytes, for repeated one-block encryptions. */
export function ecbEncryptor(key: Uint8Array): Cipher {
  const c = createCipheriv(ecbName(key.length), key, null);
  c.setAutoPadding(false);
  return c;
}

/** A plain Uint8Array view of `b` from offset `at` to its end (same memory), never a Buffer. */
export function plainFrom(b: Uint8Array, at: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + at, b.length - at);
}

/** A plain Uint8Array view of a Buffer (same memory), so callers never receive Buffer objects. */
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

const HASH_BLOCK: Record<HashName, number> = { sha1: 64, sha256: 64, sha384: 128, md5: 64 };
const HASH_BYTES: Record<HashName, number> = { sha1: 20, sha256: 32, sha384: 48, md5: 16 };
/**
 * crypto.hash, the one-shot digest of Node 20.12+; looked up rather than imported by name so that
 * older Node 20 releases load this module (HMAC then always takes createHmac).
 */
const oneShotHash = (
  nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'binary') => string }
).hash;
/** Up to this much input, HMAC goes through two one-shot hashes (below). */
const ONE_SHOT_MAX = 2048;
/** The largest hash block (SHA-384's 128 bytes) and output (48 bytes, rounded up). */
const MAX_BLOCK = 128;
const MAX_DIGEST = 64;
/**
 * One scratch area for small HMACs of keys without their own (below): `K ^ ipad | m`, then
 * `K ^ opad | H(...)` after it. crypto.hash is synchronous, so nothing else runs while it is in
 * use. Views on it replace two pooled Buffers per MAC, whose churn (a new 8 KiB pool every few
 * messages) showed at about 5% of an accept_sec_context. Zeroed after each use: it holds pads
 * and, for RFC 3962, plaintext.
 */
const sharedScratch = new Uint8Array(MAX_BLOCK + ONE_SHOT_MAX + MAX_BLOCK + MAX_DIGEST);
const SHARED_OUTER_AT = MAX_BLOCK + ONE_SHOT_MAX;
/**
 * A key used this many times gets a scratch area of its own with its pads left in place (no
 * 64- or 128-byte pad writes and wipes per message), for inputs up to OWN_MAX bytes (tokens of
 * small messages). Keys used once or twice (an AP-REQ's) never pay for the allocation, and at
 * most OWN_KEYS keys hold an area at a time (./hot-set.ts): a server's idle contexts do not.
 */
const OWN_AFTER = 3;
const OWN_MAX = 256;
const OWN_KEYS = 128;
const ownAreas = new HotSet(OWN_KEYS);

/** Views of a scratch area by length, made once: a typed-array view costs about a small copy. */
class Views {
  readonly #area: Uint8Array;
  readonly #outerAt: number;
  readonly #inner: (Uint8Array | undefined)[] = [];
  readonly #outer: (Uint8Array | undefined)[] = [];
  constructor(area: Uint8Array, outerAt: number) {
    this.#area = area;
    this.#outerAt = outerAt;
  }
  /** `area[0..length)`: the pad block and the message. */
  inner(length: number): Uint8Array {
    this.#inner[length] ??= new Uint8Array(this.#area.buffer, this.#area.byteOffset, length);
    return this.#inner[length];
  }
  /** `length` bytes from the outer area: the pad block and the inner digest. */
  outer(length: number): Uint8Array {
    this.#outer[length] ??= new Uint8Array(this.#area.buffer, this.#area.byteOffset + this.#outerAt, length);
    return this.#outer[length];
  }
}
const sharedViews = new Views(sharedScratch, SHARED_OUTER_AT);

/**
 * A key's own area: ipad | OWN_MAX message bytes | opad | digest, pads in place. The outer view
 * has one length per hash; the inner view is kept for the last message length only (a key sees
 * one or two lengths in a row; an array by length cost kilobytes per key).
 */
interface OwnArea {
  readonly hash: HashName;
  readonly area: Uint8Array;
  readonly outer: Uint8Array;
  inner: Uint8Array;
}

/** Where ./sha1-small.ts leaves a digest for MacKey to copy or compare; zeroed after. */
const smallDigest = new Uint8Array(20);

/** A digest as a 'binary' (latin1) string, one char per byte (see MacKey): the byte at `i`. */
function writeDigest(d: string, dst: Uint8Array, at: number, len: number): void {
  for (let i = 0; i < len; i++) dst[at + i] = d.charCodeAt(i);
}

/**
 * RFC 2104's K ^ ipad (0x36) or K ^ opad (0x5c), one hash block, written at `at`. Computed at
 * each use rather than stored: derived keys are never longer than a block.
 */
function writePad(key: Uint8Array, pad: number, dst: Uint8Array, at: number, block: number): void {
  const n = key.length;
  for (let i = 0; i < n; i++) dst[at + i] = key[i] ^ pad;
  dst.fill(pad, at + n, at + block);
}

/**
 * A derived MAC key (Ki, Kc), made once per derived key. Small inputs take RFC 2104 literally,
 * H(K ^ opad | H(K ^ ipad | m)), with two one-shot `crypto.hash` calls on a scratch area: no
 * Hmac object to build per message, which costs more than hashing a small message. Larger
 * inputs stream through createHmac on the key object. Digests are taken as 'binary' (latin1) strings, one
 * char per byte: a Buffer result is a new off-heap ArrayBuffer per hash (measured 0.8 µs against
 * 0.26 µs), and the MAC is then written straight where the caller wants it, or compared there.
 */
export class MacKey implements Warm {
  readonly #bytes: Uint8Array;
  #key: SecretKey | undefined;
  #own: OwnArea | undefined;
  /** SHA-1 chaining values after K ^ ipad and K ^ opad, for short inputs (./sha1-small.ts). */
  #sha1: Int32Array | undefined;
  #uses = 0;
  #warm = false;
  /** Used its own area since the last sweep (./hot-set.ts). */
  recent = false;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes.slice();
  }

  /** The key object, made on first use: many derived keys (one AP-REQ's) only see small inputs. */
  get key(): SecretKey {
    this.#key ??= createSecretKey(this.#bytes);
    return this.#key;
  }

  /** Drops the own area and the SHA-1 pad states (zeroed): idle, or another key needs room. */
  cool(): void {
    this.#own?.area.fill(0);
    this.#own = undefined;
    this.#sha1?.fill(0);
    this.#sha1 = undefined;
    this.#uses = 0;
    this.#warm = false;
  }

  /** Zeroes the bytes this object holds (forgetDerivedKeys); the key object is left to GC. */
  wipe(): void {
    this.#bytes.fill(0);
    if (this.#warm) ownAreas.remove(this);
    this.cool();
  }

  /** Joins the set of keys that keep per-key state (./hot-set.ts). */
  #warmUp(): void {
    if (this.#warm) return;
    this.#warm = true;
    ownAreas.admit(this);
  }

  #ownArea(hash: HashName, block: number, size: number): OwnArea {
    const area = new Uint8Array(block + OWN_MAX + block + size);
    writePad(this.#bytes, 0x36, area, 0, block);
    writePad(this.#bytes, 0x5c, area, block + OWN_MAX, block);
    const outer = new Uint8Array(area.buffer, area.byteOffset + block + OWN_MAX, block + size);
    this.#own?.area.fill(0);
    this.#warmUp();
    this.#own = { hash, area, outer, inner: new Uint8Array(area.buffer, area.byteOffset, block) };
    return this.#own;
  }

  /** The HMAC of the concatenation of `parts`, as a 'binary' (latin1) string. */
  #digest(hash: HashName, parts: readonly Uint8Array[]): string {
    let n = 0;
    for (const p of parts) n += p.length;
    if (n > ONE_SHOT_MAX || oneShotHash === undefined || this.#bytes.length > HASH_BLOCK[hash]) {
      const h = createHmac(hash, this.key);
      for (const p of parts) h.update(p);
      return h.digest('binary');
    }
    const block = HASH_BLOCK[hash];
    const size = HASH_BYTES[hash];
    if (n <= OWN_MAX && (this.#own?.hash === hash || ++this.#uses > OWN_AFTER)) {
      const own = this.#own?.hash === hash ? this.#own : this.#ownArea(hash, block, size);
      this.recent = true;
      const area = own.area;
      let at = block;
      for (const p of parts) {
        area.set(p, at);
        at += p.length;
      }
      if (own.inner.length !== block + n) own.inner = new Uint8Array(area.buffer, area.byteOffset, block + n);
      const innerDigest = oneShotHash(hash, own.inner, 'binary');
      area.fill(0, block, at); // plaintext does not linger
      const outerAt = block + OWN_MAX;
      for (let i = 0; i < size; i++) area[outerAt + block + i] = innerDigest.charCodeAt(i);
      return oneShotHash(hash, own.outer, 'binary');
    }
    const s = sharedScratch;
    writePad(this.#bytes, 0x36, s, 0, block);
    let at = block;
    for (const p of parts) {
      s.set(p, at);
      at += p.length;
    }
    const innerDigest = oneShotHash(hash, sharedViews.inner(block + n), 'binary');
    s.fill(0, 0, at);
    writePad(this.#bytes, 0x5c, s, SHARED_OUTER_AT, block);
    for (let i = 0; i < size; i++) s[SHARED_OUTER_AT + block + i] = innerDigest.charCodeAt(i);
    const digest = oneShotHash(hash, sharedViews.outer(block + size), 'binary');
    s.fill(0, SHARED_OUTER_AT, SHARED_OUTER_AT + block);
    return digest;
  }

  /**
   * HMAC-SHA1 of a short input computed here from the key's pad states (./sha1-small.ts), left in
   * `smallDigest`; false when the input is not SHA-1 or too long (OpenSSL then).
   */
  #small(hash: HashName, parts: readonly Uint8Array[]): boolean {
    if (hash !== 'sha1' || this.#bytes.length > 64) return false;
    let n = 0;
    for (const p of parts) n += p.length;
    if (n > SMALL_MAX) return false;
    this.recent = true;
    if (this.#sha1 === undefined) {
      this.#sha1 = sha1PadStates(this.#bytes);
      this.#warmUp();
    }
    hmacSha1Small(this.#sha1, parts, n, smallDigest);
    return true;
  }

  /** The full HMAC (20, 32 or 48 bytes) in a new array (on V8's heap: cheap to make). */
  mac(hash: HashName, parts: readonly Uint8Array[]): Uint8Array {
    if (this.#small(hash, parts)) {
      const out = smallDigest.slice();
      smallDigest.fill(0);
      return out;
    }
    const d = this.#digest(hash, parts);
    const out = new Uint8Array(d.length);
    writeDigest(d, out, 0, d.length);
    return out;
  }

  /** The first `len` bytes of the HMAC, written into `dst` at `at` (a token's checksum field). */
  macInto(hash: HashName, parts: readonly Uint8Array[], dst: Uint8Array, at: number, len: number): void {
    if (this.#small(hash, parts)) {
      for (let i = 0; i < len; i++) dst[at + i] = smallDigest[i];
      smallDigest.fill(0);
      return;
    }
    writeDigest(this.#digest(hash, parts), dst, at, len);
  }

  /**
   * Whether the first `len` bytes of the HMAC equal `src[at..at+len)`: every byte is compared
   * whatever the data (constant time; `len` is public). False when `src` is too short.
   */
  macCheck(hash: HashName, parts: readonly Uint8Array[], src: Uint8Array, at: number, len: number): boolean {
    if (this.#small(hash, parts)) {
      let diff = len > 20 || src.length < at + len ? 1 : 0;
      for (let i = 0; i < len && i < 20; i++) diff |= smallDigest[i] ^ src[at + i];
      smallDigest.fill(0);
      return diff === 0;
    }
    const d = this.#digest(hash, parts);
    if (d.length < len || src.length < at + len) return false;
    let diff = 0;
    for (let i = 0; i < len; i++) diff |= d.charCodeAt(i) ^ src[at + i];
    return diff === 0;
  }
}

/** HMAC over the concatenation of `parts`, without concatenating them. */
export function hmac(
  hash: HashName,
  key: MacKey | SecretKey | Uint8Array,
  parts: readonly Uint8Array[],
): Uint8Array {
  if (key instanceof MacKey) return key.mac(hash, parts);
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return plain(h.digest());
}

/**
 * RC4 and MD4 live in OpenSSL 3's legacy provider, which Node loads only when started with
 * --openssl-legacy-provider (or NODE_OPTIONS=--openssl-legacy-provider). Without it OpenSSL
 * answers "unsupported": that becomes one GssError naming both the flag and the krb5.conf
 * setting, since only a configuration that enabled RC4 (allow_rc4) gets this far.
 */
function legacyMissing(what: string, cause: unknown): GssError {
  return new GssError(
    GSS_S_FAILURE,
    MINOR.KRB5_PROG_ETYPE_NOSUPP,
    `arcfour-hmac (RC4) is enabled by allow_rc4 but this process's OpenSSL lacks ${what}: start node with --openssl-legacy-provider (or NODE_OPTIONS=--openssl-legacy-provider)`,
    { cause },
  );
}

/** RC4 keystream XOR of `data` under `key` (RFC 4757): OpenSSL's legacy provider. */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  let c: Cipher;
  try {
    c = createCipheriv('rc4', key, null);
  } catch (e) {
    throw legacyMissing('RC4', e);
  }
  return plain(c.update(data));
}

/** MD4 (RFC 1320), only for RFC 4757's string-to-key: OpenSSL's legacy provider. */
export function md4(data: Uint8Array): Uint8Array {
  let h: ReturnType<typeof createHash>;
  try {
    h = createHash('md4');
  } catch (e) {
    throw legacyMissing('MD4', e);
  }
  return new Uint8Array(h.update(data).digest());
}

/** HMAC-MD5 of the concatenation of `parts` (RFC 4757's key derivation and integrity check). */
export function hmacMd5Parts(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  const h = createHmac('md5', key);
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

/**
 * CSPRNG bytes. Small requests (keys, sequence numbers, nonces) are copied out of the pooled
 * block below and zeroed there: one OpenSSL call per 4 KiB instead of one (about 2 us) each.
 */
export function randomBytes(n: number): Uint8Array {
  if (n > 256) return new Uint8Array(nodeRandomBytes(n));
  const at = poolAt;
  const out = confounderBytes(n).slice();
  if (poolAt === at + n) pool.fill(0, at, at + n);
  else pool.fill(0, 0, n);
  return out;
}

/**
 * Random bytes for a confounder, served from a 4 KiB block of CSPRNG output (one OpenSSL call
 * per 256 messages instead of one each). The view is only read while encrypting, never kept.
 */
let pool = new Uint8Array(0);
let poolAt = 0;
export function confounderBytes(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    // Refilled in place (the views handed out are never kept): no new 4 KiB ArrayBuffer, and
    // its copy, every few hundred messages.
    if (pool.length < n) pool = new Uint8Array(Math.max(4096, n));
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = pool.subarray(poolAt, poolAt + n);
  poolAt += n;
  return out;
}

/** Constant time for equal lengths; a length mismatch returns false at once (lengths are public). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length > 64) return timingSafeEqual(a, b);
  // MACs and checksums (12-48 bytes): the same branch-free comparison in JavaScript, without a
  // call into C++ per message. Every byte is read whatever the data.
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
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
