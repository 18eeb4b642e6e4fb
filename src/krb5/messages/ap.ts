/** RFC 4120 5.5: AP-REQ, Authenticator, AP-REP, EncAPRepPart. */

import { applicationNode, type DerNode, derBytes, explicitNode, sequenceNode } from '../../asn1/der-tree.js';
import {
  application,
  decodeApplication,
  decodeBitString32,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeIntMax,
  decodeSequence,
  decodeUInt32Lenient,
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
  APP_AUTHENTICATOR,
  APP_ENC_AP_REP_PART,
  KRB_AP_REP,
  KRB_AP_REQ,
  KRB5_PVNO,
} from '../constants/message-types.js';
import {
  type AuthorizationData,
  type Checksum,
  decodeAuthorizationData,
  decodeChecksum,
  decodeEncryptedData,
  decodeEncryptionKey,
  decodePrincipalName,
  type EncryptedData,
  encodeAuthorizationData,
  encodeChecksum,
  encodeEncryptedData,
  encodeEncryptionKey,
  encodePrincipalName,
  encryptedDataNode,
  encryptionKeyNode,
  type KerberosTime,
  opt,
  type PrincipalName,
} from './common.js';
import { checkPvno } from './errors.js';
import { encodeTicket, type Ticket, ticketFromTlv } from './ticket.js';

/**
 * AP-REQ ::= [APPLICATION 14] SEQUENCE {
 *   pvno          [0] INTEGER (5),
 *   msg-type      [1] INTEGER (14),
 *   ap-options    [2] APOptions,
 *   ticket        [3] Ticket,
 *   authenticator [4] EncryptedData -- Authenticator }
 */
export interface ApReq {
  readonly apOptions: number;
  readonly ticket: Ticket;
  readonly authenticator: EncryptedData;
  /** encodeTicket(ticket), when the caller already has it (encodeApReq then embeds it as is). */
  readonly ticketDer?: Uint8Array;
}

export function apReqFromTlv(t: Tlv): ApReq {
  const s = decodeSequence(decodeApplication(t, KRB_AP_REQ, 'AP-REQ'), 'AP-REQ');
  checkPvno(decodeIntMax(s.required(0, 'pvno'), 'AP-REQ'), 'AP-REQ');
  // MIT reads this msg-type as an 'immediate' INTEGER it never checks; so do we.
  decodeIntMax(s.required(1, 'msg-type'), 'AP-REQ');
  const apOptions = decodeBitString32(s.required(2, 'ap-options'), 'AP-REQ');
  const ticket = ticketFromTlv(s.required(3, 'ticket'));
  const authenticator = decodeEncryptedData(s.required(4, 'authenticator'), 'AP-REQ.authenticator');
  s.end();
  return { apOptions, ticket, authenticator };
}

export function decodeApReq(bytes: Uint8Array): ApReq {
  return apReqFromTlv(readFirstTlv(bytes, 'AP-REQ'));
}

export function encodeApReq(r: ApReq): Uint8Array {
  return application(
    KRB_AP_REQ,
    encodeSequence([
      explicit(0, encodeInteger(KRB5_PVNO)),
      explicit(1, encodeInteger(KRB_AP_REQ)),
      explicit(2, encodeBitString32(r.apOptions)),
      explicit(3, r.ticketDer ?? encodeTicket(r.ticket)),
      explicit(4, encodeEncryptedData(r.authenticator)),
    ]),
  );
}

/**
 * Authenticator ::= [APPLICATION 2] SEQUENCE {
 *   authenticator-vno  [0] INTEGER (5),
 *   crealm             [1] Realm,
 *   cname              [2] PrincipalName,
 *   cksum              [3] Checksum OPTIONAL,
 *   cusec              [4] Microseconds,
 *   ctime              [5] KerberosTime,
 *   subkey             [6] EncryptionKey OPTIONAL,
 *   seq-number         [7] UInt32 OPTIONAL,
 *   authorization-data [8] AuthorizationData OPTIONAL }
 */
export interface Authenticator {
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly cksum?: Checksum;
  readonly cusec: number;
  readonly ctime: KerberosTime;
  readonly subkey?: Key;
  readonly seqNumber?: number;
  readonly authorizationData?: AuthorizationData;
}

const A = 'Authenticator';

export function decodeAuthenticator(bytes: Uint8Array): Authenticator {
  const s = decodeSequence(decodeApplication(readFirstTlv(bytes, A), APP_AUTHENTICATOR, A), A);
  checkPvno(decodeIntMax(s.required(0, 'authenticator-vno'), A), A);
  const crealm = decodeGeneralString(s.required(1, 'crealm'), A);
  const cname = decodePrincipalName(s.required(2, 'cname'), A);
  const cksum = opt(s.optional(3, 'cksum'), (x) => decodeChecksum(x, A));
  const cusec = decodeInt32(s.required(4, 'cusec'), A);
  const ctime = decodeGeneralizedTime(s.required(5, 'ctime'), A);
  const subkey = opt(s.optional(6, 'subkey'), (x) => decodeEncryptionKey(x, A));
  const seqNumber = opt(s.optional(7, 'seq-number'), (x) => decodeUInt32Lenient(x, A));
  const authorizationData = opt(s.optional(8, 'authorization-data'), (x) => decodeAuthorizationData(x, A));
  s.end();
  return { crealm, cname, cksum, cusec, ctime, subkey, seqNumber, authorizationData };
}

export function encodeAuthenticator(a: Authenticator): Uint8Array {
  return application(
    APP_AUTHENTICATOR,
    encodeSequence([
      explicit(0, encodeInteger(KRB5_PVNO)),
      explicit(1, encodeGeneralString(a.crealm)),
      explicit(2, encodePrincipalName(a.cname)),
      explicit(3, opt(a.cksum, encodeChecksum)),
      explicit(4, encodeInteger(a.cusec)),
      explicit(5, encodeGeneralizedTime(a.ctime)),
      explicit(6, opt(a.subkey, encodeEncryptionKey)),
      explicit(
        7,
        opt(a.seqNumber, (x) => encodeInteger(x)),
      ),
      explicit(8, opt(a.authorizationData, encodeAuthorizationData)),
    ]),
  );
}

/**
 * AP-REP ::= [APPLICATION 15] SEQUENCE {
 *   pvno     [0] INTEGER (5),
 *   msg-type [1] INTEGER (15),
 *   enc-part [2] EncryptedData -- EncAPRepPart }
 */
export interface ApRep {
  readonly encPart: EncryptedData;
}

export function apRepFromTlv(t: Tlv): ApRep {
  const s = decodeSequence(decodeApplication(t, KRB_AP_REP, 'AP-REP'), 'AP-REP');
  checkPvno(decodeIntMax(s.required(0, 'pvno'), 'AP-REP'), 'AP-REP');
  // MIT reads this msg-type as an 'immediate' INTEGER it never checks; so do we.
  decodeIntMax(s.required(1, 'msg-type'), 'AP-REP');
  const encPart = decodeEncryptedData(s.required(2, 'enc-part'), 'AP-REP.enc-part');
  s.end();
  return { encPart };
}

export function decodeApRep(bytes: Uint8Array): ApRep {
  return apRepFromTlv(readFirstTlv(bytes, 'AP-REP'));
}

export function encodeApRep(r: ApRep): Uint8Array {
  return derBytes(apRepNode(r));
}

/** AP-REP as a tree (asn1/der-tree.ts): every accept_sec_context writes one in one piece. */
export function apRepNode(r: ApRep): DerNode {
  return applicationNode(
    KRB_AP_REP,
    sequenceNode([
      explicitNode(0, encodeInteger(KRB5_PVNO)),
      explicitNode(1, encodeInteger(KRB_AP_REP)),
      explicitNode(2, encryptedDataNode(r.encPart)),
    ]),
  );
}

/**
 * EncAPRepPart ::= [APPLICATION 27] SEQUENCE {
 *   ctime      [0] KerberosTime,
 *   cusec      [1] Microseconds,
 *   subkey     [2] EncryptionKey OPTIONAL,
 *   seq-number [3] UInt32 OPTIONAL }
 */
export interface EncApRepPart {
  readonly ctime: KerberosTime;
  readonly cusec: number;
  readonly subkey?: Key;
  readonly seqNumber?: number;
}

const E = 'EncAPRepPart';

export function decodeEncApRepPart(bytes: Uint8Array): EncApRepPart {
  const s = decodeSequence(decodeApplication(readFirstTlv(bytes, E), APP_ENC_AP_REP_PART, E), E);
  const ctime = decodeGeneralizedTime(s.required(0, 'ctime'), E);
  const cusec = decodeInt32(s.required(1, 'cusec'), E);
  const subkey = opt(s.optional(2, 'subkey'), (x) => decodeEncryptionKey(x, E));
  const seqNumber = opt(s.optional(3, 'seq-number'), (x) => decodeUInt32Lenient(x, E));
  s.end();
  return { ctime, cusec, subkey, seqNumber };
}

export function encodeEncApRepPart(p: EncApRepPart): Uint8Array {
  // One array of its own holds the subkey's encoding (no intermediate copies of it).
  return derBytes(
    applicationNode(
      APP_ENC_AP_REP_PART,
      sequenceNode([
        explicitNode(0, encodeGeneralizedTime(p.ctime)),
        explicitNode(1, encodeInteger(p.cusec)),
        explicitNode(2, opt(p.subkey, encryptionKeyNode)),
        explicitNode(
          3,
          opt(p.seqNumber, (x) => encodeInteger(x)),
        ),
      ]),
    ),
  );
}
