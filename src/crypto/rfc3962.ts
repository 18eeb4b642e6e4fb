/**
 * aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18): RFC 3962 on the RFC 3961
 * simplified profile. Ke, Ki, Kc = DK(base, usage | 0xAA / 0x55 / 0x99), the cipher is AES-CTS
 * with a zero IV, the integrity check is HMAC-SHA1-96 over confounder | plaintext.
 */

import type { CtsKey } from './cts.js';
import type { Key } from './key.js';
import { digest, type MacKey, pbkdf2, plainFrom } from './primitives.js';
import type { EnctypeProfile } from './profiles.js';
import {
  cachedCtsKey,
  cachedKey,
  dk,
  dkOf,
  findCached,
  KC,
  KE,
  KI,
  PRF_SLOT,
  slotOf,
  usageConstant,
} from './rfc3961.js';

const KERBEROS = new TextEncoder().encode('kerberos');
const PRF_CONSTANT = new TextEncoder().encode('prf');

function derived(p: EnctypeProfile, key: Key, usage: number, kind: number): MacKey {
  const slot = slotOf(usage, kind, 'rfc3962');
  const found = findCached(key, slot);
  if (found !== undefined) return found as MacKey;
  return cachedKey(key, slot, () => dkOf(key, usageConstant(usage, kind), p.keyBytes));
}

function encryptionKey(p: EnctypeProfile, key: Key, usage: number): CtsKey {
  const slot = slotOf(usage, KE, 'rfc3962');
  const found = findCached(key, slot);
  if (found !== undefined) return found as CtsKey;
  return cachedCtsKey(key, slot, () => dkOf(key, usageConstant(usage, KE), p.keyBytes));
}

/** Returns null when the integrity check fails; the caller throws the one fixed error. */
export function decrypt(p: EnctypeProfile, key: Key, usage: number, ct: Uint8Array): Uint8Array | null {
  const whole = decryptWhole(p, key, usage, ct);
  return whole && plainFrom(whole, p.confounderBytes);
}

/**
 * decrypt() of `ct[at..]` with the confounder left in front; possibly a Buffer (see
 * CtsKey.decrypt).
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

/** hmac-sha1-96-aes128/256 (checksum types 15, 16): HMAC-SHA1(Kc, data) truncated to 96 bits. */
export function checksum(p: EnctypeProfile, key: Key, usage: number, data: Uint8Array): Uint8Array {
  return checksumParts(p, key, usage, [data]);
}

/** checksum() of the concatenation of `parts` (a token's message then header, without joining). */
export function checksumParts(p: EnctypeProfile, key: Key, usage: number, parts: readonly Uint8Array[]) {
  const out = new Uint8Array(p.checksumBytes);
  derived(p, key, usage, KC).macInto('sha1', parts, out, 0, p.checksumBytes);
  return out;
}

/** checksumParts() written into `dst` at `at` (a token's checksum field). */
export function checksumInto(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  dst: Uint8Array,
  at: number,
): void {
  derived(p, key, usage, KC).macInto('sha1', parts, dst, at, p.checksumBytes);
}

/** Whether `src[at..at+checksumBytes)` is the checksum of `parts` (constant time). */
export function checksumCheck(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  src: Uint8Array,
  at: number,
): boolean {
  return derived(p, key, usage, KC).macCheck('sha1', parts, src, at, p.checksumBytes);
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
