/**
 * The HMAC-MD5 checksum of RFC 4757 4 (checksum type -138, KERB_CHECKSUM_HMAC_MD5), keyed with
 * any key: MS-SFU 2.2.1 requires it for PA-FOR-USER whatever the session key's enctype.
 *   Ksign = HMAC-MD5(key, "signaturekey\0");  CHKSUM = HMAC-MD5(Ksign, MD5(usage LE32 || data))
 * MD5 and HMAC-MD5 are in OpenSSL 3's default provider (RC4 and MD4 are not).
 */
import type { Key } from './key.js';
import { hmacMd5, md5 } from './primitives.js';

export const CKSUMTYPE_HMAC_MD5_ARCFOUR = -138;

const SIGNATURE_KEY = new TextEncoder().encode('signaturekey\0');

export function hmacMd5Checksum(key: Key, usage: number, data: Uint8Array): Uint8Array {
  const ksign = hmacMd5(key.keyvalue, SIGNATURE_KEY);
  const salted = new Uint8Array(4 + data.length);
  new DataView(salted.buffer).setUint32(0, usage >>> 0, true);
  salted.set(data, 4);
  const out = hmacMd5(ksign, md5(salted));
  ksign.fill(0);
  return out;
}
