/** RFC 4120 5.4.1: KDC-REQ (AS-REQ, TGS-REQ) and KDC-REQ-BODY. */
import {
  application,
  asn1Error,
  CLASS_APPLICATION,
  decodeApplication,
  decodeBitString32,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeIntMax,
  decodeSequence,
  decodeSequenceOf,
  decodeUInt32,
  encodeBitString32,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeSequence,
  encodeSequenceOf,
  explicit,
  readFirstTlv,
  type Tlv,
} from '../../asn1/index.js';
import { KRB_AS_REQ, KRB_TGS_REQ, KRB5_PVNO } from '../constants/message-types.js';
import {
  decodeEncryptedData,
  decodeHostAddresses,
  decodePrincipalName,
  type EncryptedData,
  encodeEncryptedData,
  encodeHostAddresses,
  encodeMethodData,
  encodePrincipalName,
  type HostAddress,
  type KerberosTime,
  methodDataFromTlv,
  opt,
  type PaData,
  type PrincipalName,
} from './common.js';
import { checkMsgType, checkPvno } from './errors.js';
import { encodeTicket, type Ticket, ticketFromTlv } from './ticket.js';

/**
 * KDC-REQ-BODY ::= SEQUENCE {
 *   kdc-options             [0] KDCOptions,
 *   cname                   [1] PrincipalName OPTIONAL -- Used only in AS-REQ --,
 *   realm                   [2] Realm -- Server's realm; also client's in AS-REQ --,
 *   sname                   [3] PrincipalName OPTIONAL,
 *   from                    [4] KerberosTime OPTIONAL,
 *   till                    [5] KerberosTime,
 *   rtime                   [6] KerberosTime OPTIONAL,
 *   nonce                   [7] UInt32,
 *   etype                   [8] SEQUENCE OF Int32 -- EncryptionType, in preference order --,
 *   addresses               [9] HostAddresses OPTIONAL,
 *   enc-authorization-data  [10] EncryptedData OPTIONAL -- AuthorizationData --,
 *   additional-tickets      [11] SEQUENCE OF Ticket OPTIONAL }
 */
export interface KdcReqBody {
  readonly kdcOptions: number;
  readonly cname?: PrincipalName;
  readonly realm: string;
  readonly sname?: PrincipalName;
  readonly from?: KerberosTime;
  readonly till: KerberosTime;
  readonly rtime?: KerberosTime;
  readonly nonce: number;
  readonly etype: readonly number[];
  readonly addresses?: readonly HostAddress[];
  readonly encAuthorizationData?: EncryptedData;
  readonly additionalTickets?: readonly Ticket[];
}

/**
 * KDC-REQ ::= SEQUENCE {
 *   -- NOTE: first tag is [1], not [0]
 *   pvno     [1] INTEGER (5),
 *   msg-type [2] INTEGER (10 -- AS -- | 12 -- TGS --),
 *   padata   [3] SEQUENCE OF PA-DATA OPTIONAL,
 *   req-body [4] KDC-REQ-BODY }
 * AS-REQ ::= [APPLICATION 10] KDC-REQ;  TGS-REQ ::= [APPLICATION 12] KDC-REQ
 */
export interface KdcReq {
  readonly msgType: typeof KRB_AS_REQ | typeof KRB_TGS_REQ;
  readonly padata?: readonly PaData[];
  readonly reqBody: KdcReqBody;
  /**
   * Set by the decoder: the req-body exactly as received, which the TGS-REQ authenticator's
   * checksum covers (RFC 4120 5.4.1). Encoders ignore it.
   */
  readonly reqBodyBytes?: Uint8Array;
}

const B = 'KDC-REQ-BODY';

export function kdcReqBodyFromTlv(t: Tlv): KdcReqBody {
  const s = decodeSequence(t, B);
  const kdcOptions = decodeBitString32(s.required(0, 'kdc-options'), B);
  const cname = opt(s.optional(1, 'cname'), (x) => decodePrincipalName(x, `${B}.cname`));
  const realm = decodeGeneralString(s.required(2, 'realm'), B);
  const sname = opt(s.optional(3, 'sname'), (x) => decodePrincipalName(x, `${B}.sname`));
  const from = opt(s.optional(4, 'from'), (x) => decodeGeneralizedTime(x, B));
  const till = decodeGeneralizedTime(s.required(5, 'till'), B);
  const rtime = opt(s.optional(6, 'rtime'), (x) => decodeGeneralizedTime(x, B));
  const nonce = decodeInt32(s.required(7, 'nonce'), `${B}.nonce`);
  const etype = decodeSequenceOf(s.required(8, 'etype'), (x) => decodeInt32(x, `${B}.etype`), B);
  const addresses = opt(s.optional(9, 'addresses'), (x) => decodeHostAddresses(x, B));
  const encAuthorizationData = opt(s.optional(10, 'enc-authorization-data'), (x) =>
    decodeEncryptedData(x, B),
  );
  const additionalTickets = opt(s.optional(11, 'additional-tickets'), (x) =>
    decodeSequenceOf(x, ticketFromTlv, B),
  );
  s.end();
  return {
    kdcOptions,
    cname,
    realm,
    sname,
    from,
    till,
    rtime,
    nonce,
    etype,
    addresses,
    encAuthorizationData,
    additionalTickets,
  };
}

export function encodeKdcReqBody(b: KdcReqBody): Uint8Array {
  return encodeSequence([
    explicit(0, encodeBitString32(b.kdcOptions)),
    explicit(1, opt(b.cname, encodePrincipalName)),
    explicit(2, encodeGeneralString(b.realm)),
    explicit(3, opt(b.sname, encodePrincipalName)),
    explicit(
      4,
      opt(b.from, (x) => encodeGeneralizedTime(x)),
    ),
    explicit(5, encodeGeneralizedTime(b.till)),
    explicit(
      6,
      opt(b.rtime, (x) => encodeGeneralizedTime(x)),
    ),
    explicit(7, encodeInteger(b.nonce)),
    explicit(
      8,
      encodeSequenceOf(b.etype, (e) => encodeInteger(e)),
    ),
    explicit(9, opt(b.addresses, encodeHostAddresses)),
    explicit(10, opt(b.encAuthorizationData, encodeEncryptedData)),
    explicit(
      11,
      opt(b.additionalTickets, (x) => encodeSequenceOf(x, encodeTicket)),
    ),
  ]);
}

export function kdcReqFromTlv(t: Tlv): KdcReq {
  const appTag = t.tag === KRB_TGS_REQ ? KRB_TGS_REQ : KRB_AS_REQ;
  const what = appTag === KRB_AS_REQ ? 'AS-REQ' : 'TGS-REQ';
  const s = decodeSequence(decodeApplication(t, appTag, what), what);
  checkPvno(decodeIntMax(s.required(1, 'pvno'), what), what);
  const msgType = decodeUInt32(s.required(2, 'msg-type'), what);
  const padata = opt(s.optional(3, 'padata'), (x) => methodDataFromTlv(x, `${what}.padata`));
  const bodyTlv = s.required(4, 'req-body');
  const reqBody = kdcReqBodyFromTlv(bodyTlv);
  s.end();
  // Checked last, so that ASN.1 errors come first as in MIT (which leaves this check to callers).
  checkMsgType(msgType, [appTag], what);
  return { msgType: appTag, padata, reqBody, reqBodyBytes: bodyTlv.raw };
}

export function encodeKdcReq(r: KdcReq): Uint8Array {
  return application(
    r.msgType,
    encodeSequence([
      explicit(1, encodeInteger(KRB5_PVNO)),
      explicit(2, encodeInteger(r.msgType)),
      explicit(3, opt(r.padata, encodeMethodData)),
      explicit(4, encodeKdcReqBody(r.reqBody)),
    ]),
  );
}

/** An AS-REQ ([APPLICATION 10]); anything else is ASN1_BAD_ID. */
export function decodeAsReq(bytes: Uint8Array): KdcReq {
  const t = readFirstTlv(bytes, 'AS-REQ');
  if (t.cls !== CLASS_APPLICATION || t.tag !== KRB_AS_REQ) throw asn1Error('ASN1_BAD_ID', 'AS-REQ');
  return kdcReqFromTlv(t);
}

/** A TGS-REQ ([APPLICATION 12]); anything else is ASN1_BAD_ID. */
export function decodeTgsReq(bytes: Uint8Array): KdcReq {
  const t = readFirstTlv(bytes, 'TGS-REQ');
  if (t.cls !== CLASS_APPLICATION || t.tag !== KRB_TGS_REQ) throw asn1Error('ASN1_BAD_ID', 'TGS-REQ');
  return kdcReqFromTlv(t);
}

export function encodeAsReq(r: Omit<KdcReq, 'msgType'>): Uint8Array {
  return encodeKdcReq({ ...r, msgType: KRB_AS_REQ });
}

export function encodeTgsReq(r: Omit<KdcReq, 'msgType'>): Uint8Array {
  return encodeKdcReq({ ...r, msgType: KRB_TGS_REQ });
}
