/**
 * The two pre-authentication structures the KDC reads and writes (RFC 4120 5.2.7.2, 5.2.7.5).
 * Kept here until src/krb5/messages/ has them.
 */
import {
  decodeGeneralizedTime,
  decodeInt32,
  decodeSequence,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeSequenceOf,
  explicit,
  readTlv,
} from '../../asn1/index.js';
import { decodeEncryptedData, type EncryptedData } from '../messages/common.js';

/** PA-ENC-TIMESTAMP ::= EncryptedData -- PA-ENC-TS-ENC */
export function decodePaEncTimestamp(bytes: Uint8Array): EncryptedData {
  return decodeEncryptedData(readTlv(bytes, 'PA-ENC-TIMESTAMP'), 'PA-ENC-TIMESTAMP');
}

/**
 * PA-ENC-TS-ENC ::= SEQUENCE {
 *   patimestamp [0] KerberosTime -- client's time --,
 *   pausec      [1] Microseconds OPTIONAL }
 */
export interface PaEncTsEnc {
  readonly patimestamp: number;
  readonly pausec?: number;
}

export function decodePaEncTsEnc(bytes: Uint8Array): PaEncTsEnc {
  const what = 'PA-ENC-TS-ENC';
  const s = decodeSequence(readTlv(bytes, what), what);
  const patimestamp = decodeGeneralizedTime(s.required(0, 'patimestamp'), what);
  const u = s.optional(1, 'pausec');
  s.end();
  return u === undefined ? { patimestamp } : { patimestamp, pausec: decodeInt32(u, what) };
}

/**
 * ETYPE-INFO2-ENTRY ::= SEQUENCE {
 *   etype     [0] Int32,
 *   salt      [1] KerberosString OPTIONAL,
 *   s2kparams [2] OCTET STRING OPTIONAL }
 * ETYPE-INFO2 ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY
 */
export interface EtypeInfo2Entry {
  readonly etype: number;
  readonly salt?: string;
  readonly s2kparams?: Uint8Array;
}

export function encodeEtypeInfo2(entries: readonly EtypeInfo2Entry[]): Uint8Array {
  return encodeSequenceOf(entries, (e) =>
    encodeSequence([
      explicit(0, encodeInteger(e.etype)),
      explicit(1, e.salt === undefined ? undefined : encodeGeneralString(e.salt)),
      explicit(2, e.s2kparams === undefined ? undefined : encodeOctetString(e.s2kparams)),
    ]),
  );
}
