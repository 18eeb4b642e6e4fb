/** RFC 4120 5.8: KRB-CRED, EncKrbCredPart, KrbCredInfo. */
import {
  application,
  decodeApplication,
  decodeBitString32,
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeIntMax,
  decodeSequence,
  decodeSequenceOf,
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
import type { Key } from '../../crypto/key.js';
import { APP_ENC_KRB_CRED_PART, KRB_CRED, KRB5_PVNO } from '../constants/message-types.js';
import {
  decodeEncryptedData,
  decodeEncryptionKey,
  decodeHostAddress,
  decodeHostAddresses,
  decodePrincipalName,
  type EncryptedData,
  encodeEncryptedData,
  encodeEncryptionKey,
  encodeHostAddress,
  encodeHostAddresses,
  encodePrincipalName,
  type HostAddress,
  type KerberosTime,
  opt,
  type PrincipalName,
} from './common.js';
import { checkPvno } from './errors.js';
import { encodeTicket, type Ticket, ticketFromTlv } from './ticket.js';

/**
 * KRB-CRED ::= [APPLICATION 22] SEQUENCE {
 *   pvno     [0] INTEGER (5),
 *   msg-type [1] INTEGER (22),
 *   tickets  [2] SEQUENCE OF Ticket,
 *   enc-part [3] EncryptedData -- EncKrbCredPart }
 */
export interface KrbCred {
  readonly tickets: readonly Ticket[];
  readonly encPart: EncryptedData;
}

export function krbCredFromTlv(t: Tlv): KrbCred {
  const s = decodeSequence(decodeApplication(t, KRB_CRED, 'KRB-CRED'), 'KRB-CRED');
  checkPvno(decodeIntMax(s.required(0, 'pvno'), 'KRB-CRED'), 'KRB-CRED');
  // MIT reads this msg-type as an 'immediate' INTEGER it never checks; so do we.
  decodeIntMax(s.required(1, 'msg-type'), 'KRB-CRED');
  const tickets = decodeSequenceOf(s.required(2, 'tickets'), ticketFromTlv, 'KRB-CRED.tickets');
  const encPart = decodeEncryptedData(s.required(3, 'enc-part'), 'KRB-CRED.enc-part');
  s.end();
  return { tickets, encPart };
}

export function decodeKrbCred(bytes: Uint8Array): KrbCred {
  return krbCredFromTlv(readFirstTlv(bytes, 'KRB-CRED'));
}

export function encodeKrbCred(c: KrbCred): Uint8Array {
  return application(
    KRB_CRED,
    encodeSequence([
      explicit(0, encodeInteger(KRB5_PVNO)),
      explicit(1, encodeInteger(KRB_CRED)),
      explicit(2, encodeSequenceOf(c.tickets, encodeTicket)),
      explicit(3, encodeEncryptedData(c.encPart)),
    ]),
  );
}

/**
 * KrbCredInfo ::= SEQUENCE {
 *   key        [0] EncryptionKey,
 *   prealm     [1] Realm OPTIONAL,
 *   pname      [2] PrincipalName OPTIONAL,
 *   flags      [3] TicketFlags OPTIONAL,
 *   authtime   [4] KerberosTime OPTIONAL,
 *   starttime  [5] KerberosTime OPTIONAL,
 *   endtime    [6] KerberosTime OPTIONAL,
 *   renew-till [7] KerberosTime OPTIONAL,
 *   srealm     [8] Realm OPTIONAL,
 *   sname      [9] PrincipalName OPTIONAL,
 *   caddr      [10] HostAddresses OPTIONAL }
 */
export interface KrbCredInfo {
  readonly key: Key;
  readonly prealm?: string;
  readonly pname?: PrincipalName;
  readonly flags?: number;
  readonly authtime?: KerberosTime;
  readonly starttime?: KerberosTime;
  readonly endtime?: KerberosTime;
  readonly renewTill?: KerberosTime;
  readonly srealm?: string;
  readonly sname?: PrincipalName;
  readonly caddr?: readonly HostAddress[];
}

const I = 'KrbCredInfo';
const time = (x: Tlv) => decodeGeneralizedTime(x, I);

function krbCredInfoFromTlv(t: Tlv): KrbCredInfo {
  const s = decodeSequence(t, I);
  const key = decodeEncryptionKey(s.required(0, 'key'), I);
  const prealm = opt(s.optional(1, 'prealm'), (x) => decodeGeneralString(x, I));
  const pname = opt(s.optional(2, 'pname'), (x) => decodePrincipalName(x, I));
  const flags = opt(s.optional(3, 'flags'), (x) => decodeBitString32(x, I));
  const authtime = opt(s.optional(4, 'authtime'), time);
  const starttime = opt(s.optional(5, 'starttime'), time);
  const endtime = opt(s.optional(6, 'endtime'), time);
  const renewTill = opt(s.optional(7, 'renew-till'), time);
  const srealm = opt(s.optional(8, 'srealm'), (x) => decodeGeneralString(x, I));
  const sname = opt(s.optional(9, 'sname'), (x) => decodePrincipalName(x, I));
  const caddr = opt(s.optional(10, 'caddr'), (x) => decodeHostAddresses(x, I));
  s.end();
  return { key, prealm, pname, flags, authtime, starttime, endtime, renewTill, srealm, sname, caddr };
}

function encodeKrbCredInfo(i: KrbCredInfo): Uint8Array {
  const t = (x: number) => encodeGeneralizedTime(x);
  return encodeSequence([
    explicit(0, encodeEncryptionKey(i.key)),
    explicit(1, opt(i.prealm, encodeGeneralString)),
    explicit(2, opt(i.pname, encodePrincipalName)),
    explicit(3, opt(i.flags, encodeBitString32)),
    explicit(4, opt(i.authtime, t)),
    explicit(5, opt(i.starttime, t)),
    explicit(6, opt(i.endtime, t)),
    explicit(7, opt(i.renewTill, t)),
    explicit(8, opt(i.srealm, encodeGeneralString)),
    explicit(9, opt(i.sname, encodePrincipalName)),
    explicit(10, opt(i.caddr, encodeHostAddresses)),
  ]);
}

/**
 * EncKrbCredPart ::= [APPLICATION 29] SEQUENCE {
 *   ticket-info [0] SEQUENCE OF KrbCredInfo,
 *   nonce       [1] UInt32 OPTIONAL,
 *   timestamp   [2] KerberosTime OPTIONAL,
 *   usec        [3] Microseconds OPTIONAL,
 *   s-address   [4] HostAddress OPTIONAL,
 *   r-address   [5] HostAddress OPTIONAL }
 */
export interface EncKrbCredPart {
  readonly ticketInfo: readonly KrbCredInfo[];
  readonly nonce?: number;
  readonly timestamp?: KerberosTime;
  readonly usec?: number;
  readonly sAddress?: HostAddress;
  readonly rAddress?: HostAddress;
}

const P = 'EncKrbCredPart';

export function decodeEncKrbCredPart(bytes: Uint8Array): EncKrbCredPart {
  const s = decodeSequence(decodeApplication(readFirstTlv(bytes, P), APP_ENC_KRB_CRED_PART, P), P);
  const ticketInfo = decodeSequenceOf(s.required(0, 'ticket-info'), krbCredInfoFromTlv, P);
  const nonce = opt(s.optional(1, 'nonce'), (x) => decodeInt32(x, P));
  const timestamp = opt(s.optional(2, 'timestamp'), (x) => decodeGeneralizedTime(x, P));
  const usec = opt(s.optional(3, 'usec'), (x) => decodeInt32(x, P));
  const sAddress = opt(s.optional(4, 's-address'), (x) => decodeHostAddress(x, P));
  const rAddress = opt(s.optional(5, 'r-address'), (x) => decodeHostAddress(x, P));
  s.end();
  return { ticketInfo, nonce, timestamp, usec, sAddress, rAddress };
}

export function encodeEncKrbCredPart(p: EncKrbCredPart): Uint8Array {
  return application(
    APP_ENC_KRB_CRED_PART,
    encodeSequence([
      explicit(0, encodeSequenceOf(p.ticketInfo, encodeKrbCredInfo)),
      explicit(
        1,
        opt(p.nonce, (x) => encodeInteger(x)),
      ),
      explicit(
        2,
        opt(p.timestamp, (x) => encodeGeneralizedTime(x)),
      ),
      explicit(
        3,
        opt(p.usec, (x) => encodeInteger(x)),
      ),
      explicit(4, opt(p.sAddress, encodeHostAddress)),
      explicit(5, opt(p.rAddress, encodeHostAddress)),
    ]),
  );
}
