/** RFC 4120 5.9.1: KRB-ERROR. */
import {
  application,
  decodeApplication,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeIntMax,
  decodeOctetString,
  decodeSequence,
  decodeUInt32,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  explicit,
  readFirstTlv,
  type Tlv,
} from '../../asn1/index.js';
import { KRB_ERROR, KRB5_PVNO } from '../constants/message-types.js';
import {
  decodePrincipalName,
  encodePrincipalName,
  type KerberosTime,
  opt,
  type PrincipalName,
} from './common.js';
import { checkPvno } from './errors.js';

/**
 * KRB-ERROR ::= [APPLICATION 30] SEQUENCE {
 *   pvno       [0] INTEGER (5),
 *   msg-type   [1] INTEGER (30),
 *   ctime      [2] KerberosTime OPTIONAL,
 *   cusec      [3] Microseconds OPTIONAL,
 *   stime      [4] KerberosTime,
 *   susec      [5] Microseconds,
 *   error-code [6] Int32,
 *   crealm     [7] Realm OPTIONAL,
 *   cname      [8] PrincipalName OPTIONAL,
 *   realm      [9] Realm -- service realm --,
 *   sname      [10] PrincipalName -- service name --,
 *   e-text     [11] KerberosString OPTIONAL,
 *   e-data     [12] OCTET STRING OPTIONAL }
 * e-data stays opaque here: decodeMethodData / decodeTypedData (./padata.ts) read it.
 */
export interface KrbError {
  readonly ctime?: KerberosTime;
  readonly cusec?: number;
  readonly stime: KerberosTime;
  readonly susec: number;
  readonly errorCode: number;
  readonly crealm?: string;
  readonly cname?: PrincipalName;
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly eText?: string;
  readonly eData?: Uint8Array;
}

const W = 'KRB-ERROR';

export function krbErrorFromTlv(t: Tlv): KrbError {
  const s = decodeSequence(decodeApplication(t, KRB_ERROR, W), W);
  checkPvno(decodeIntMax(s.required(0, 'pvno'), W), W);
  // MIT reads this msg-type as an 'immediate' INTEGER it never checks; so do we.
  decodeIntMax(s.required(1, 'msg-type'), W);
  const ctime = opt(s.optional(2, 'ctime'), (x) => decodeGeneralizedTime(x, W));
  const cusec = opt(s.optional(3, 'cusec'), (x) => decodeInt32(x, W));
  const stime = decodeGeneralizedTime(s.required(4, 'stime'), W);
  const susec = decodeInt32(s.required(5, 'susec'), W);
  const errorCode = decodeUInt32(s.required(6, 'error-code'), W);
  const crealm = opt(s.optional(7, 'crealm'), (x) => decodeGeneralString(x, W));
  const cname = opt(s.optional(8, 'cname'), (x) => decodePrincipalName(x, W));
  const realm = decodeGeneralString(s.required(9, 'realm'), W);
  const sname = decodePrincipalName(s.required(10, 'sname'), W);
  const eText = opt(s.optional(11, 'e-text'), (x) => decodeGeneralString(x, W));
  const eData = opt(s.optional(12, 'e-data'), (x) => decodeOctetString(x, W));
  s.end();
  return { ctime, cusec, stime, susec, errorCode, crealm, cname, realm, sname, eText, eData };
}

export function decodeKrbError(bytes: Uint8Array): KrbError {
  return krbErrorFromTlv(readFirstTlv(bytes, W));
}

export function encodeKrbError(e: KrbError): Uint8Array {
  return application(
    KRB_ERROR,
    encodeSequence([
      explicit(0, encodeInteger(KRB5_PVNO)),
      explicit(1, encodeInteger(KRB_ERROR)),
      explicit(
        2,
        opt(e.ctime, (x) => encodeGeneralizedTime(x)),
      ),
      explicit(
        3,
        opt(e.cusec, (x) => encodeInteger(x)),
      ),
      explicit(4, encodeGeneralizedTime(e.stime)),
      explicit(5, encodeInteger(e.susec)),
      explicit(6, encodeInteger(e.errorCode)),
      explicit(7, opt(e.crealm, encodeGeneralString)),
      explicit(8, opt(e.cname, encodePrincipalName)),
      explicit(9, encodeGeneralString(e.realm)),
      explicit(10, encodePrincipalName(e.sname)),
      explicit(11, opt(e.eText, encodeGeneralString)),
      explicit(12, opt(e.eData, encodeOctetString)),
    ]),
  );
}
