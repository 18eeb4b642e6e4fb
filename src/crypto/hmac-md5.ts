/**
 * The HMAC-MD5 checksum of RFC 4757 4 (checksum type -138, KERB_CHECKSUM_HMAC_MD5), keyed with
 * any key: MS-SFU 2.2.1 requires it for PA-FOR-USER whatever the session key's enctype.
 *   Ksign = HMAC-MD5(key, "signaturekey\0");  CHKSUM = HMAC-MD5(Ksign, MD5(usage LE32 || data))
 * MD5 and HMAC-MD5 are in OpenSSL 3's default provider (RC4 and MD4 are not); the construction
 * itself is ./rfc4757.ts's, shared with arcfour-hmac keys.
 */
import type { Key } from './key.js';
import { HmacMd5Checksum } from './rfc4757.js';

export const CKSUMTYPE_HMAC_MD5_ARCFOUR = -138;

export function hmacMd5Checksum(key: Key, usage: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  new HmacMd5Checksum(key, usage).macInto('md5', [data], out, 0, 16);
  return out;
}
