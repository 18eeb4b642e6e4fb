/**
 * aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20): RFC 8009. Keys come
 * from KDF-HMAC-SHA2 (section 3); encryption is AES-CTS then HMAC over IV | ciphertext
 * (encrypt-then-MAC, section 5), so a bad MAC is rejected before anything is decrypted.
 */

import { CtsKey } from './cts.js';
import type { Key } from './key.js';
import { type HashName, hmac, MacKey, pbkdf2 } from './primitives.js';
import type { EnctypeProfile } from './profiles.js';
import { baseMacKey, derivedKey, KC, KE, KI, usageConstant } from './rfc3961.js';

const ZERO_IV = new Uint8Array(16);
const KERBEROS = new TextEncoder().encode('kerberos');
const PRF_LABEL = new TextEncoder().encode('prf');

/**
 * KDF-HMAC-SHA2(key, label, k, context) of RFC 8009 section 3 (SP 800-108 counter mode with one
 * iteration): HMAC(key, 00000001 | label | 00 | context | k as 32-bit big-endian bits),
 * truncated to k bits. k never exceeds the hash length for these enctypes.
 */
export function kdfHmacSha2(
  hash: HashName,
  key: Uint8Array | MacKey,
  label: Uint8Array,
  bytes: number,
  context: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const bits = bytes * 8;
  const k = Uint8Array.of(bits >>> 24, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff);
  return hmac(hash, key, [Uint8Array.of(0, 0, 0, 1), label, Uint8Array.of(0), context, k]).slice(0, bytes);
}

/** Section 5: Kc and Ki are 128 or 192 bits (the MAC length), Ke is the AES key length. */
export function deriveKeyBytes(
  p: EnctypeProfile,
  base: Uint8Array | MacKey,
  usage: number,
  kind: number,
): Uint8Array {
  return kdfHmacSha2(p.hash, base, usageConstant(usage, kind), kind === KE ? p.keyBytes : p.macBytes);
}

/** Ke, Ki or Kc: KDF-HMAC-SHA2 of the base key (section 5). */
function deriveKdf(p: EnctypeProfile, key: Key, usage: number, kind: number): Uint8Array {
  return deriveKeyBytes(p, baseMacKey(key), usage, kind);
}

function derived(p: EnctypeProfile, key: Key, usage: number, kind: number): MacKey {
  return derivedKey(MacKey, p, key, usage, kind, deriveKdf);
}

function encryptionKey(p: EnctypeProfile, key: Key, usage: number): CtsKey {
  return derivedKey(CtsKey, p, key, usage, KE, deriveKdf);
}

/** Encrypts the concatenation of `parts` after `lead` bytes left free (see CtsKey.encrypt). */
export function encrypt(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  conf: Uint8Array,
  lead = 0,
) {
  const h = p.macBytes;
  const all = parts.length === 2 ? [conf, parts[0], parts[1]] : [conf, ...parts];
  const out = encryptionKey(p, key, usage).encrypt(all, h, lead);
  const n = out.length - h;
  derived(p, key, usage, KI).macInto(p.hash, [ZERO_IV, out.subarray(lead, n)], out, n, h);
  return out;
}

/**
 * Decrypts `ct[at..]` and checks its MAC: the plaintext with the confounder left in front
 * (possibly a Buffer, see CtsKey.decrypt), or null when the integrity check fails (the caller
 * throws the one fixed error).
 */
export function decryptWhole(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  ct: Uint8Array,
  at = 0,
): Uint8Array | null {
  const h = p.macBytes;
  if (ct.length - at < p.confounderBytes + h) return null;
  const body = ct.subarray(at, ct.length - h);
  if (!derived(p, key, usage, KI).macCheck(p.hash, [ZERO_IV, body], ct, ct.length - h, h)) return null;
  return encryptionKey(p, key, usage).decrypt(ct, body.length, at);
}

/** hmac-sha256-128-aes128 (19), hmac-sha384-192-aes256 (20): the Kc for the truncated HMAC. */
export function checksumKey(p: EnctypeProfile, key: Key, usage: number): MacKey {
  return derived(p, key, usage, KC);
}

/** Section 5: PRF = KDF-HMAC-SHA2(base-key, "prf", 256 or 384 bits, input). */
export function prf(p: EnctypeProfile, key: Key, input: Uint8Array): Uint8Array {
  return kdfHmacSha2(p.hash, key.keyvalue, PRF_LABEL, p.prfBytes, input);
}

/**
 * Section 4: saltp = enctype name | 00 | salt; tkey = PBKDF2-HMAC-SHA2(password, saltp,
 * iterations, keylength); key = KDF-HMAC-SHA2(tkey, "kerberos", keylength).
 */
export function stringToKey(p: EnctypeProfile, password: Uint8Array, salt: Uint8Array, iterations: number) {
  const name = new TextEncoder().encode(p.name);
  const saltp = new Uint8Array(name.length + 1 + salt.length);
  saltp.set(name, 0);
  saltp.set(salt, name.length + 1);
  const tkey = pbkdf2(p.hash, password, saltp, iterations, p.keyBytes);
  const key = kdfHmacSha2(p.hash, tkey, KERBEROS, p.keyBytes);
  tkey.fill(0);
  return key;
}
