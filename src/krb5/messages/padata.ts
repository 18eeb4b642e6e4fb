/**
 * Contents of PA-DATA values and KRB-ERROR e-data: PA-ENC-TS-ENC (RFC 4120 5.2.7.2),
 * ETYPE-INFO2 (5.2.7.5), KERB-PA-PAC-REQUEST (MS-KILE 2.2.3), METHOD-DATA and TYPED-DATA (5.9.1).
 */
import {
  decodeBoolean,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeOctetString,
  decodeSequence,
  decodeSequenceOf,
  encodeBoolean,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeSequenceOf,
  explicit,
  readFirstTlv,
} from '../../asn1/index.js';
import {
  decodeEncryptedData,
  type EncryptedData,
  encodeEncryptedData,
  methodDataFromTlv,
  opt,
  type PaData,
} from './common.js';

/** METHOD-DATA ::= SEQUENCE OF PA-DATA (e.g. the e-data of KDC_ERR_PREAUTH_REQUIRED). */
export function decodeMethodData(bytes: Uint8Array): PaData[] {
  return methodDataFromTlv(readFirstTlv(bytes, 'METHOD-DATA'));
}

/** PA-ENC-TIMESTAMP ::= EncryptedData -- PA-ENC-TS-ENC (RFC 4120 5.2.7.2, key usage 1). */
export function decodePaEncTimestamp(bytes: Uint8Array): EncryptedData {
  return decodeEncryptedData(readFirstTlv(bytes, 'PA-ENC-TIMESTAMP'), 'PA-ENC-TIMESTAMP');
}

export function encodePaEncTimestamp(e: EncryptedData): Uint8Array {
  return encodeEncryptedData(e);
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
  const s = decodeSequence(readFirstTlv(bytes, 'PA-ENC-TS-ENC'), 'PA-ENC-TS-ENC');
  const patimestamp = decodeGeneralizedTime(s.required(0, 'patimestamp'), 'PA-ENC-TS-ENC');
  const pausec = opt(s.optional(1, 'pausec'), (x) => decodeInt32(x, 'PA-ENC-TS-ENC'));
  s.end();
  return { patimestamp, pausec };
}

export function encodePaEncTsEnc(p: PaEncTsEnc): Uint8Array {
  return encodeSequence([
    explicit(0, encodeGeneralizedTime(p.patimestamp)),
    explicit(
      1,
      opt(p.pausec, (x) => encodeInteger(x)),
    ),
  ]);
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

export function decodeEtypeInfo2(bytes: Uint8Array): EtypeInfo2Entry[] {
  const w = 'ETYPE-INFO2';
  return decodeSequenceOf(
    readFirstTlv(bytes, w),
    (e) => {
      const s = decodeSequence(e, w);
      const etype = decodeInt32(s.required(0, 'etype'), w);
      const salt = opt(s.optional(1, 'salt'), (x) => decodeGeneralString(x, w));
      const s2kparams = opt(s.optional(2, 's2kparams'), (x) => decodeOctetString(x, w));
      s.end();
      return { etype, salt, s2kparams };
    },
    w,
  );
}

export function encodeEtypeInfo2(entries: readonly EtypeInfo2Entry[]): Uint8Array {
  return encodeSequenceOf(entries, (e) =>
    encodeSequence([
      explicit(0, encodeInteger(e.etype)),
      explicit(1, opt(e.salt, encodeGeneralString)),
      explicit(2, opt(e.s2kparams, encodeOctetString)),
    ]),
  );
}

/** KERB-PA-PAC-REQUEST ::= SEQUENCE { include-pac [0] BOOLEAN } (MS-KILE 2.2.3). */
export interface PaPacRequest {
  readonly includePac: boolean;
}

export function decodePaPacRequest(bytes: Uint8Array): PaPacRequest {
  const s = decodeSequence(readFirstTlv(bytes, 'KERB-PA-PAC-REQUEST'), 'KERB-PA-PAC-REQUEST');
  const includePac = decodeBoolean(s.required(0, 'include-pac'), 'KERB-PA-PAC-REQUEST');
  s.end();
  return { includePac };
}

export function encodePaPacRequest(p: PaPacRequest): Uint8Array {
  return encodeSequence([explicit(0, encodeBoolean(p.includePac))]);
}

/**
 * TYPED-DATA ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE {
 *   data-type  [0] Int32,
 *   data-value [1] OCTET STRING OPTIONAL }
 */
export interface TypedDataEntry {
  readonly dataType: number;
  readonly dataValue?: Uint8Array;
}

export function decodeTypedData(bytes: Uint8Array): TypedDataEntry[] {
  const w = 'TYPED-DATA';
  return decodeSequenceOf(
    readFirstTlv(bytes, w),
    (e) => {
      const s = decodeSequence(e, w);
      const dataType = decodeInt32(s.required(0, 'data-type'), w);
      const dataValue = opt(s.optional(1, 'data-value'), (x) => decodeOctetString(x, w));
      s.end();
      return { dataType, dataValue };
    },
    w,
  );
}

export function encodeTypedData(entries: readonly TypedDataEntry[]): Uint8Array {
  return encodeSequenceOf(entries, (e) =>
    encodeSequence([
      explicit(0, encodeInteger(e.dataType)),
      explicit(1, opt(e.dataValue, encodeOctetString)),
    ]),
  );
}
