/** RFC 4120 5.3: Ticket and EncTicketPart. */
import {
  application,
  asn1Error,
  decodeApplication,
  decodeBitString32,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeIntMax,
  decodeOctetString,
  decodeSequence,
  decodeUInt32,
  encodeBitString32,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  explicit,
  readFirstTlv,
  type Tlv,
} from '../../asn1/index.js';
import type { Key } from '../../crypto/key.js';
import { APP_ENC_TICKET_PART, APP_TICKET, KRB5_PVNO } from '../constants/message-types.js';
import {
  type AuthorizationData,
  decodeAuthorizationData,
  decodeEncryptedData,
  decodeEncryptionKey,
  decodeHostAddresses,
  decodePrincipalName,
  type EncryptedData,
  encodeAuthorizationData,
  encodeEncryptedData,
  encodeEncryptionKey,
  encodeHostAddresses,
  encodePrincipalName,
  type HostAddress,
  type KerberosTime,
  opt,
  type PrincipalName,
} from './common.js';
import { checkPvno } from './errors.js';

/**
 * Ticket ::= [APPLICATION 1] SEQUENCE {
 *   tkt-vno  [0] INTEGER (5),
 *   realm    [1] Realm,
 *   sname    [2] PrincipalName,
 *   enc-part [3] EncryptedData -- EncTicketPart }
 */
export interface Ticket {
  readonly realm: string;
  readonly sname: PrincipalName;
  readonly encPart: EncryptedData;
}

export function ticketFromTlv(t: Tlv): Ticket {
  const s = decodeSequence(decodeApplication(t, APP_TICKET, 'Ticket'), 'Ticket');
  checkPvno(decodeIntMax(s.required(0, 'tkt-vno'), 'Ticket.tkt-vno'), 'Ticket');
  const realm = decodeGeneralString(s.required(1, 'realm'), 'Ticket.realm');
  const sname = decodePrincipalName(s.required(2, 'sname'), 'Ticket.sname');
  const encPart = decodeEncryptedData(s.required(3, 'enc-part'), 'Ticket.enc-part');
  s.end();
  return { realm, sname, encPart };
}

export function decodeTicket(bytes: Uint8Array): Ticket {
  return ticketFromTlv(readFirstTlv(bytes, 'Ticket'));
}

export function encodeTicket(t: Ticket): Uint8Array {
  return application(
    APP_TICKET,
    encodeSequence([
      explicit(0, encodeInteger(KRB5_PVNO)),
      explicit(1, encodeGeneralString(t.realm)),
      explicit(2, encodePrincipalName(t.sname)),
      explicit(3, encodeEncryptedData(t.encPart)),
    ]),
  );
}

/**
 * TransitedEncoding ::= SEQUENCE {
 *   tr-type  [0] Int32 -- must be registered --,
 *   contents [1] OCTET STRING }
 */
export interface TransitedEncoding {
  readonly trType: number;
  readonly contents: Uint8Array;
}

/**
 * EncTicketPart ::= [APPLICATION 3] SEQUENCE {
 *   flags              [0] TicketFlags,
 *   key                [1] EncryptionKey,
 *   crealm             [2] Realm,
 *   cname              [3] PrincipalName,
 *   transited          [4] TransitedEncoding,
 *   authtime           [5] KerberosTime,
 *   starttime          [6] KerberosTime OPTIONAL,
 *   endtime            [7] KerberosTime,
 *   renew-till         [8] KerberosTime OPTIONAL,
 *   caddr              [9] HostAddresses OPTIONAL,
 *   authorization-data [10] AuthorizationData OPTIONAL }
 */
export interface EncTicketPart {
  readonly flags: number;
  readonly key: Key;
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly transited: TransitedEncoding;
  readonly authtime: KerberosTime;
  readonly starttime?: KerberosTime;
  readonly endtime: KerberosTime;
  readonly renewTill?: KerberosTime;
  readonly caddr?: readonly HostAddress[];
  readonly authorizationData?: AuthorizationData;
}

const W = 'EncTicketPart';

/** tr-type: MIT stores it in an unsigned octet, so anything outside 0..255 is ASN1_OVERFLOW. */
function decodeTrType(t: Tlv): number {
  const n = decodeUInt32(t, `${W}.tr-type`);
  if (n > 255) throw asn1Error('ASN1_OVERFLOW', `${W}.tr-type`);
  return n;
}

export function decodeEncTicketPart(bytes: Uint8Array): EncTicketPart {
  const s = decodeSequence(decodeApplication(readFirstTlv(bytes, W), APP_ENC_TICKET_PART, W), W);
  const flags = decodeBitString32(s.required(0, 'flags'), W);
  const key = decodeEncryptionKey(s.required(1, 'key'), W);
  const crealm = decodeGeneralString(s.required(2, 'crealm'), W);
  const cname = decodePrincipalName(s.required(3, 'cname'), W);
  const tr = decodeSequence(s.required(4, 'transited'), `${W}.transited`);
  const transited = {
    trType: decodeTrType(tr.required(0, 'tr-type')),
    contents: decodeOctetString(tr.required(1, 'contents'), W),
  };
  tr.end();
  const authtime = decodeGeneralizedTime(s.required(5, 'authtime'), W);
  const starttime = opt(s.optional(6, 'starttime'), (x) => decodeGeneralizedTime(x, W));
  const endtime = decodeGeneralizedTime(s.required(7, 'endtime'), W);
  const renewTill = opt(s.optional(8, 'renew-till'), (x) => decodeGeneralizedTime(x, W));
  const caddr = opt(s.optional(9, 'caddr'), (x) => decodeHostAddresses(x, W));
  const authorizationData = opt(s.optional(10, 'authorization-data'), (x) => decodeAuthorizationData(x, W));
  s.end();
  return {
    flags,
    key,
    crealm,
    cname,
    transited,
    authtime,
    starttime,
    endtime,
    renewTill,
    caddr,
    authorizationData,
  };
}

export function encodeEncTicketPart(p: EncTicketPart): Uint8Array {
  return application(
    APP_ENC_TICKET_PART,
    encodeSequence([
      explicit(0, encodeBitString32(p.flags)),
      explicit(1, encodeEncryptionKey(p.key)),
      explicit(2, encodeGeneralString(p.crealm)),
      explicit(3, encodePrincipalName(p.cname)),
      explicit(
        4,
        encodeSequence([
          explicit(0, encodeInteger(p.transited.trType)),
          explicit(1, encodeOctetString(p.transited.contents)),
        ]),
      ),
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
      explicit(9, opt(p.caddr, encodeHostAddresses)),
      explicit(10, opt(p.authorizationData, encodeAuthorizationData)),
    ]),
  );
}
