/**
 * MS-SFU 2.2.1 PA-FOR-USER (padata 129), the S4U2Self request's name of the user:
 *
 *   PA-FOR-USER ::= SEQUENCE {
 *     userName     [0] PrincipalName,
 *     userRealm    [1] Realm,
 *     cksum        [2] Checksum,
 *     auth-package [3] KerberosString }
 *
 * The checksum (HMAC-MD5 under the TGT session key, usage 17) covers the name type as a
 * little-endian 32-bit integer, the name strings, the realm and the auth-package, concatenated.
 */
import { encodeGeneralString, encodeSequence, explicit } from '../../asn1/index.js';
import { utf8 } from '../../util/bytes.js';
import { type Checksum, encodeChecksum, encodePrincipalName, type PrincipalName } from './common.js';

export interface PaForUser {
  readonly userName: PrincipalName;
  readonly userRealm: string;
  readonly cksum: Checksum;
  readonly authPackage: string;
}

/** MS-SFU: the auth-package is always "Kerberos". */
export const S4U_AUTH_PACKAGE = 'Kerberos';

export function encodePaForUser(p: PaForUser): Uint8Array {
  return encodeSequence([
    explicit(0, encodePrincipalName(p.userName)),
    explicit(1, encodeGeneralString(p.userRealm)),
    explicit(2, encodeChecksum(p.cksum)),
    explicit(3, encodeGeneralString(p.authPackage)),
  ]);
}

/** The bytes PA-FOR-USER's checksum covers (MS-SFU 2.2.1). */
export function paForUserChecksumInput(
  userName: PrincipalName,
  userRealm: string,
  authPackage: string,
): Uint8Array {
  const parts = [...userName.components, userRealm, authPackage].map(utf8);
  const out = new Uint8Array(4 + parts.reduce((n, p) => n + p.length, 0));
  new DataView(out.buffer).setInt32(0, userName.nameType, true);
  let at = 4;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
