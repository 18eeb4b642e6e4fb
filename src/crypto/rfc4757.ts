/**
 * arcfour-hmac (23): RFC 4757 section 4 as MIT krb5 computes it (src/lib/crypto/krb/enc_rc4.c,
 * checksum_hmac_md5.c, s2k_rc4.c, prf_rc4.c). RC4, MD4 and HMAC-MD5 all run in OpenSSL; RC4 and
 * MD4 need its legacy provider (./primitives.ts says what happens without it).
 *
 *   K1 = HMAC-MD5(key, usage as 4 bytes little-endian)          (usage translated, section 3)
 *   checksum = HMAC-MD5(K1, confounder | plaintext)
 *   K3 = HMAC-MD5(K1, checksum)
 *   ciphertext = checksum (16) | RC4(K3, confounder (8) | plaintext)
 */

import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { concat } from '../util/bytes.js';
import type { Key } from './key.js';
import { digest, type HashName, hmac, hmacMd5Parts, md4, rc4 } from './primitives.js';
import type { EnctypeProfile } from './profiles.js';

/**
 * RFC 4757 section 3, as MIT's krb5int_arcfour_translate_usage: Windows encrypts the AS-REP's
 * part with usage 8, and GSS Wrap tokens sign with 13 where RFC 1964 code asks for 23.
 */
export function translateUsage(usage: number): number {
  if (usage === 3) return 8;
  if (usage === 23) return 13;
  return usage;
}

function le32(n: number): Uint8Array {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

/** K1 of section 4 (MIT usage_key): the HMAC-MD5 of the translated usage under the key. */
function usageKey(key: Key, usage: number): Uint8Array {
  return hmacMd5Parts(key.keyvalue, [le32(translateUsage(usage))]);
}

/**
 * MIT's krb5int_arcfour_gsscrypt: RC4 under HMAC-MD5(HMAC-MD5(key, usage), kdData), the
 * keystream for RFC 4757 section 7's sequence numbers and sealed messages (both XOR: the same
 * call encrypts and decrypts).
 */
export function gssCrypt(key: Uint8Array, usage: number, kdData: Uint8Array, data: Uint8Array): Uint8Array {
  const k1 = hmacMd5Parts(key, [le32(translateUsage(usage))]);
  const k3 = hmacMd5Parts(k1, [kdData]);
  k1.fill(0);
  const out = rc4(k3, data);
  k3.fill(0);
  return out;
}

/** Encrypts confounder | parts after `lead` free bytes (the engine's family interface). */
export function encrypt(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  conf: Uint8Array,
  lead = 0,
): Uint8Array {
  const k1 = usageKey(key, usage);
  const all = [conf, ...parts];
  const checksum = hmacMd5Parts(k1, all);
  const k3 = hmacMd5Parts(k1, [checksum]);
  k1.fill(0);
  const body = concat(...all);
  const out = new Uint8Array(lead + p.macBytes + body.length);
  out.set(checksum, lead);
  out.set(rc4(k3, body), lead + p.macBytes);
  body.fill(0);
  k3.fill(0);
  return out;
}

/** One usage's try at decryptWhole: the plaintext (confounder first), or null. */
function decryptAs(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  ct: Uint8Array,
  at: number,
): Uint8Array | null {
  const checksum = ct.subarray(at, at + p.macBytes);
  const k1 = usageKey(key, usage);
  const k3 = hmacMd5Parts(k1, [checksum]);
  const plain = rc4(k3, ct.subarray(at + p.macBytes));
  k3.fill(0);
  const ok = macEqual(hmacMd5Parts(k1, [plain]), checksum);
  k1.fill(0);
  if (ok) return plain;
  plain.fill(0);
  return null;
}

/**
 * Decrypts `ct[at..]`: confounder | plaintext, or null when the integrity check fails. As MIT,
 * usage 9 (a TGS-REP under a subkey, which Windows encrypts with 9) falls back to RFC 4757's 8.
 */
export function decryptWhole(
  p: EnctypeProfile,
  key: Key,
  usage: number,
  ct: Uint8Array,
  at = 0,
): Uint8Array | null {
  if (ct.length - at < p.macBytes + p.confounderBytes) return null;
  const out = decryptAs(p, key, usage, ct, at);
  if (out !== null || usage !== 9) return out;
  return decryptAs(p, key, 8, ct, at);
}

/** Every byte compared whatever the data (lengths are public). */
function macEqual(a: Uint8Array, b: Uint8Array, len = a.length): boolean {
  if (a.length < len || b.length < len) return false;
  let diff = 0;
  for (let i = 0; i < len; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

const SIGNATURE_KEY = new TextEncoder().encode('signaturekey\0');

/**
 * hmac-md5-rc4 (checksum type -138, RFC 4757 section 4; MIT krb5int_hmacmd5_checksum):
 * HMAC-MD5(HMAC-MD5(key, "signaturekey\0"), MD5(usage LE32 | data)), the same shape as the
 * engine's derived MAC keys so it plugs into the one checksum path.
 */
export class HmacMd5Checksum {
  readonly #key: Uint8Array;
  readonly #usage: number;
  constructor(key: Key, usage: number) {
    this.#key = key.keyvalue;
    this.#usage = translateUsage(usage);
  }
  #mac(parts: readonly Uint8Array[]): Uint8Array {
    const ksign = hmacMd5Parts(this.#key, [SIGNATURE_KEY]);
    let n = 4;
    for (const part of parts) n += part.length;
    const salted = new Uint8Array(n);
    salted.set(le32(this.#usage), 0);
    let at = 4;
    for (const part of parts) {
      salted.set(part, at);
      at += part.length;
    }
    const out = hmacMd5Parts(ksign, [digest('md5', salted)]);
    ksign.fill(0);
    salted.fill(0);
    return out;
  }
  /** The first `len` bytes of the checksum, written into `dst` at `at`. */
  macInto(_hash: HashName, parts: readonly Uint8Array[], dst: Uint8Array, at: number, len: number): void {
    dst.set(this.#mac(parts).subarray(0, len), at);
  }
  /** Whether the first `len` bytes of the checksum equal `src[at..at+len)`, in constant time. */
  macCheck(_hash: HashName, parts: readonly Uint8Array[], src: Uint8Array, at: number, len: number): boolean {
    if (src.length < at + len) return false;
    return macEqual(this.#mac(parts), src.subarray(at, at + len), len);
  }
}

/** The checksum "key" of the family interface: hmac-md5-rc4 under the key for a usage. */
export function checksumKey(_p: EnctypeProfile, key: Key, usage: number): HmacMd5Checksum {
  return new HmacMd5Checksum(key, usage);
}

/** MIT krb5int_arcfour_prf: HMAC-SHA1(key, input), 20 bytes. */
export function prf(_p: EnctypeProfile, key: Key, input: Uint8Array): Uint8Array {
  return hmac('sha1', key.keyvalue, [input]);
}

/** EINVAL, as MIT's k5_utf8_to_utf16le returns for a password that is not UTF-8. */
const EINVAL = 22;

/**
 * RFC 4757 section 4: MD4 of the password as UTF-16LE (the NT hash); the salt is ignored, as
 * Windows ignores it. MIT converts the UTF-8 password with k5_utf8_to_utf16le.
 */
export function stringToKey(
  _p: EnctypeProfile,
  password: Uint8Array,
  _salt: Uint8Array,
  _iterations: number,
) {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(password);
  } catch {
    throw new GssError(GSS_S_FAILURE, EINVAL, 'arcfour-hmac string-to-key: the password is not UTF-8');
  }
  const utf16 = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    utf16[2 * i] = c & 0xff;
    utf16[2 * i + 1] = c >>> 8;
  }
  const key = md4(utf16);
  utf16.fill(0);
  return key;
}
