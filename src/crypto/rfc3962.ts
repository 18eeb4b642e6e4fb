/**
 * aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18): RFC 3962 on the RFC 3961
 * simplified profile. Ke, Ki, Kc = DK(base, usage | 0xAA / 0x55 / 0x99), the cipher is AES-CTS
 * with a zero IV, the integrity check is HMAC-SHA1-96 over confounder | plaintext.
 */

import { CtsKey } from './cts.js';
import type { Key } from './key.js';
import { digest, MacKey, pbkdf2 } from './primitives.js';
import type { EnctypeProfile } from './profiles.js';
import { cachedCtsKey, derivedKey, dk, dkOf, KC, KE, KI, PRF_SLOT, usageConstant } from './rfc3961.js';

const KERBEROS = new TextEncoder().encode('kerberos');
const PRF_CONSTANT = new TextEncoder().encode('prf');

/** Ke, Ki or Kc: DK(base, usage | kind). */
function deriveDk(p: EnctypeProfile, key: Key, usage: number, kind: number): Uint8Array {
  return dkOf(key, usageConstant(usage, kind), p.keyBytes);
}

function derived(p: EnctypeProfile, key: Key, usage: number, kind: number): MacKey {
  return derivedKey(MacKey, p, key, usage, kind, deriveDk);
}

function encryptionKey(p: EnctypeProfile, key: Key, usage: number): CtsKey {
  return derivedKey(CtsKey, p, key, usage, KE, deriveDk);
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
  const plain = encryptionKey(p, key, usage).decrypt(ct, ct.length - at - h, at);
  if (!derived(p, key, usage, KI).macCheck('sha1', [plain], ct, ct.length - h, h)) return null;
  return plain;
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
  derived(p, key, usage, KI).macInto('sha1', all, out, out.length - h, h);
  return out;
}

/** hmac-sha1-96-aes128/256 (checksum types 15, 16): the Kc for HMAC-SHA1 truncated to 96 bits. */
export function checksumKey(p: EnctypeProfile, key: Key, usage: number): MacKey {
  return derived(p, key, usage, KC);
}

/** RFC 3962 section 6: E(DK(key, "prf"), truncate16(SHA-1(input))) with a zero IV. */
export function prf(p: EnctypeProfile, key: Key, input: Uint8Array): Uint8Array {
  const k = cachedCtsKey(key, PRF_SLOT, () => dkOf(key, PRF_CONSTANT, p.keyBytes));
  const tmp = digest('sha1', input).subarray(0, 16);
  return k.encrypt([tmp], 0);
}

/** RFC 3962 section 4: DK(PBKDF2-HMAC-SHA1(password, salt, iterations, keylength), "kerberos"). */
export function stringToKey(p: EnctypeProfile, password: Uint8Array, salt: Uint8Array, iterations: number) {
  const tkey = pbkdf2('sha1', password, salt, iterations, p.keyBytes);
  const key = dk(tkey, KERBEROS, p.keyBytes);
  tkey.fill(0);
  return key;
}
