/**
 * The mechanism OIDs SPNEGO negotiates with (RFC 4178 4.1 MechType), as DER content octets.
 * Kerberos has two: RFC 1964's, and the one Microsoft's early implementation mistyped
 * (1.2.840.48018 instead of 1.2.840.113554), which Windows and browsers list first to this day;
 * MIT treats both as krb5 (spnego_mech.c is_kerb_mech, negotiate_mech).
 */
import { KRB5_MECH_OID_BYTES, oidEqual, oidFromBytes, oidToBytes } from '../../token/oid.js';

/** SPNEGO itself (RFC 4178 3: iso.org.dod.internet.security.mechanism.snego). */
export const SPNEGO_MECH_OID = '1.3.6.1.5.5.2';
export const SPNEGO_OID_BYTES: Uint8Array = oidToBytes(SPNEGO_MECH_OID);

/** Microsoft's Kerberos OID (MS-KILE 3.1.5.1), MIT's gss_mech_krb5_wrong. */
export const MS_KRB5_MECH_OID = '1.2.840.48018.1.2.2';
export const MS_KRB5_OID_BYTES: Uint8Array = oidToBytes(MS_KRB5_MECH_OID);

/** Names for the mechanisms a peer may offer, for error messages. */
const KNOWN: Readonly<Record<string, string>> = {
  '1.2.840.113554.1.2.2': 'Kerberos V5',
  '1.2.840.48018.1.2.2': 'Kerberos V5 (Microsoft OID)',
  '1.3.6.1.4.1.311.2.2.10': 'NTLMSSP',
  '1.3.6.1.4.1.311.2.2.30': 'NEGOEX',
  '1.3.6.1.5.2.5': 'IAKERB',
  '1.3.6.1.5.5.2': 'SPNEGO',
};

/** True for either Kerberos OID. */
export function isKrb5Oid(oid: Uint8Array): boolean {
  return oidEqual(oid, KRB5_MECH_OID_BYTES) || oidEqual(oid, MS_KRB5_OID_BYTES);
}

/** "1.3.6.1.4.1.311.2.2.10 (NTLMSSP)" for messages; never throws on odd bytes. */
export function describeOid(oid: Uint8Array): string {
  let text: string;
  try {
    text = oidFromBytes(oid);
  } catch {
    return 'an invalid OID';
  }
  const name = KNOWN[text];
  return name ? `${text} (${name})` : text;
}
