/** RFC 4120 5.4.2: KDC-REP (AS-REP, TGS-REP) and EncKDCRepPart. */
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
  decodeUInt32,
  encodeBitString32,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeSequence,
  explicit,
  readFirstTlv,
  type Tlv,
} from '../../asn1/index.js';
import type { Key } from '../../crypto/key.js';
import {
  APP_ENC_AS_REP_PART,
  APP_ENC_TGS_REP_PART,
  KRB_AS_REP,
  KRB_TGS_REP,
  KRB5_PVNO,
} from '../constants/message-types.js';
import {
  decodeEncryptedData,
  decodeEncryptionKey,
  decodeHostAddresses,
  decodeLastReq,
  decodePrincipalName,
  type EncryptedData,
  encodeEncryptedData,
  encodeEncryptionKey,
  encodeHostAddresses,
  encodeLastReq,
  encodeMethodData,
  encodePrincipalName,
  type HostAddress,
  type KerberosTime,
  type LastReqEntry,
  methodDataFromTlv,
  opt,
  type PaData,
  type PrincipalName,
} from './common.js';
import { checkMsgType, checkPvno } from './errors.js';
import { encodeTicket, type Ticket, ticketFromTlv } from './ticket.js';

/**
 * KDC-REP ::= SEQUENCE {
 *   pvno     [0] INTEGER (5),
 *   msg-type [1] INTEGER (11 -- AS -- | 13 -- TGS --),
 *   padata   [2] SEQUENCE OF PA-DATA OPTIONAL,
 *   crealm   [3] Realm,
 *   cname    [4] PrincipalName,
 *   ticket   [5] Ticket,
 *   enc-part [6] EncryptedData -- EncASRepPart or EncTGSRepPart, as appropriate }
 * AS-REP ::= [APPLICATION 11] KDC-REP;  TGS-REP ::= [APPLICATION 13] KDC-REP
 */
export interface KdcRep {
  readonly msgType: typeof KRB_AS_REP | typeof KRB_TGS_REP;
  readonly padata?: readonly PaData[];
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly ticket: Ticket;
  readonly encPart: EncryptedData;
}

export function kdcRepFromTlv(t: Tlv): KdcRep {
  const appTag = t.tag === KRB_TGS_REP ? KRB_TGS_REP : KRB_AS_REP;
  const what = appTag === KRB_AS_REP ? 'AS-REP' : 'TGS-REP';
  const s = decodeSequence(decodeApplication(t, appTag, what), what);
  checkPvno(decodeIntMax(s.required(0, 'pvno'), what), what);
  const msgType = decodeUInt32(s.required(1, 'msg-type'), what);
  const padata = opt(s.optional(2, 'padata'), (x) => methodDataFromTlv(x, `${what}.padata`));
  const crealm = decodeGeneralString(s.required(3, 'crealm'), what);
  const cname = decodePrincipalName(s.required(4, 'cname'), `${what}.cname`);
  const ticket = ticketFromTlv(s.required(5, 'ticket'));
  const encPart = decodeEncryptedData(s.required(6, 'enc-part'), `${what}.enc-part`);
  s.end();
  // Checked last, so that ASN.1 errors come first as in MIT (which leaves this check to callers).
  checkMsgType(msgType, [appTag], what);
  return { msgType: appTag, padata, crealm, cname, ticket, encPart };
}

export function encodeKdcRep(r: KdcRep): Uint8Array {
  return application(
    r.msgType,
    encodeSequence([
      explicit(0, encodeInteger(KRB5_PVNO)),
      explicit(1, encodeInteger(r.msgType)),
      explicit(2, opt(r.padata, encodeMethodData)),
      explicit(3, encodeGeneralString(r.crealm)),
      explicit(4, encodePrincipalName(r.cname)),
      explicit(5, encodeTicket(r.ticket)),
      explicit(6, encodeEncryptedData(r.encPart)),
    ]),
  );
}

export function decodeAsRep(bytes: Uint8Array): KdcRep {
  const t = readFirstTlv(bytes, 'AS-REP');
  if (t.cls !== CLASS_APPLICATION || t.tag !== KRB_AS_REP) throw asn1Error('ASN1_BAD_ID', 'AS-REP');
  return kdcRepFromTlv(t);
}

export function decodeTgsRep(bytes: Uint8Array): KdcRep {
  const t = readFirstTlv(bytes, 'TGS-REP');
  if (t.cls !== CLASS_APPLICATION || t.tag !== KRB_TGS_REP) throw asn1Error('ASN1_BAD_ID', 'TGS-REP');
  return kdcRepFromTlv(t);
}

export function encodeAsRep(r: Omit<KdcRep, 'msgType'>): Uint8Array {
  return encodeKdcRep({ ...r, msgType: KRB_AS_REP });
}

export function encodeTgsRep(r: Omit<KdcRep, 'msgType'>): Uint8Array {
  return encodeKdcRep({ ...r, msgType: KRB_TGS_REP });
}

/**
 * EncASRepPart ::= [APPLICATION 25] EncKDCRepPart
 * EncTGSRepPart ::= [APPLICATION 26] EncKDCRepPart
 * EncKDCRepPart ::= SEQUENCE {
 *   key               [0] EncryptionKey,
 *   last-req          [1] LastReq,
 *   nonce             [2] UInt32,
 *   key-expiration    [3] KerberosTime OPTIONAL,
 *   flags             [4] TicketFlags,
 *   authtime          [5] KerberosTime,
 *   starttime         [6] KerberosTime OPTIONAL,
 *   endtime           [7] KerberosTime,
 *   renew-till        [8] KerberosTime OPTIONAL,
 *   srealm            [9] Realm,
 *   sname             [10] PrincipalName,
 *   caddr             [11] HostAddresses OPTIONAL,
 *   encrypted-pa-data [12] METHOD-DATA OPTIONAL -- RFC 6806 }
 * Either tag is accepted for either reply, as MIT's decoder does (RFC 4120 5.4.2 notes that some
 * implementations send [25] in TGS replies); `tag` keeps the one received.
 */
export interface EncKdcRepPart {
  readonly tag: typeof APP_ENC_AS_REP_PART | typeof APP_ENC_TGS_REP_PART;
  readonly key: Key;
  readonly lastReq: readonly LastReqEntry[];
  readonly nonce: number;
  readonly keyExpiration?: KerberosTime;
  readonly flags: number;
  readonly authtime: KerberosTime;
  readonly starttime?: KerberosTime;
  readonly endtime: KerberosTime;
  readonly renewTill?: KerberosTime;
  readonly srealm: string;
  readonly sname: PrincipalName;
  readonly caddr?: readonly HostAddress[];
  readonly encryptedPaData?: readonly PaData[];
}

const W = 'EncKDCRepPart';

export function decodeEncKdcRepPart(bytes: Uint8Array): EncKdcRepPart {
  const t = readFirstTlv(bytes, W);
  const tag = t.tag === APP_ENC_TGS_REP_PART ? APP_ENC_TGS_REP_PART : APP_ENC_AS_REP_PART;
  const s = decodeSequence(decodeApplication(t, tag, W), W);
  const key = decodeEncryptionKey(s.required(0, 'key'), W);
  const lastReq = decodeLastReq(s.required(1, 'last-req'), W);
  const nonce = decodeInt32(s.required(2, 'nonce'), W);
  const keyExpiration = opt(s.optional(3, 'key-expiration'), (x) => decodeGeneralizedTime(x, W));
  const flags = decodeBitString32(s.required(4, 'flags'), W);
  const authtime = decodeGeneralizedTime(s.required(5, 'authtime'), W);
  const starttime = opt(s.optional(6, 'starttime'), (x) => decodeGeneralizedTime(x, W));
  const endtime = decodeGeneralizedTime(s.required(7, 'endtime'), W);
  const renewTill = opt(s.optional(8, 'renew-till'), (x) => decodeGeneralizedTime(x, W));
  const srealm = decodeGeneralString(s.required(9, 'srealm'), W);
  const sname = decodePrincipalName(s.required(10, 'sname'), W);
  const caddr = opt(s.optional(11, 'caddr'), (x) => decodeHostAddresses(x, W));
  const encryptedPaData = opt(s.optional(12, 'encrypted-pa-data'), (x) => methodDataFromTlv(x, W));
  s.end();
  return {
    tag,
    key,
    lastReq,
    nonce,
    keyExpiration,
    flags,
    authtime,
    starttime,
    endtime,
    renewTill,
    srealm,
    sname,
    caddr,
    encryptedPaData,
  };
}

export function encodeEncKdcRepPart(p: EncKdcRepPart): Uint8Array {
  return application(
    p.tag,
    encodeSequence([
      explicit(0, encodeEncryptionKey(p.key)),
      explicit(1, encodeLastReq(p.lastReq)),
      explicit(2, encodeInteger(p.nonce)),
      explicit(
        3,
        opt(p.keyExpiration, (x) => encodeGeneralizedTime(x)),
      ),
      explicit(4, encodeBitString32(p.flags)),
      explicit(5, encodeGeneralizedTime(p.authtime)),
      explicit(
        6,
        opt(p.starttime, (x) => encodeGeneralizedTime(x)),
      ),
      explicit(7, encodeGeneralizedTime(p.endtime)),
      explicit(
        8,
        opt(p.renewTill, (x) => encodeGeneralizedTime(x)),
      ),
      explicit(9, encodeGeneralString(p.srealm)),
      explicit(10, encodePrincipalName(p.sname)),
      explicit(11, opt(p.caddr, encodeHostAddresses)),
      explicit(12, opt(p.encryptedPaData, encodeMethodData)),
    ]),
  );
}
