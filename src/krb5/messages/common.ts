/**
 * RFC 4120 5.2 basic types shared by the messages. Times (KerberosTime) are whole seconds since
 * the epoch, with microseconds in their own fields as on the wire (docs/asn1.md).
 */

import { type DerNode, derBytes, explicitNode, octetStringNode, sequenceNode } from '../../asn1/der-tree.js';
import {
  decodeGeneralizedTime,
  decodeGeneralString,
  decodeInt32,
  decodeOctetString,
  decodeSequence,
  decodeSequenceOf,
  encodeGeneralizedTime,
  encodeGeneralString,
  encodeInteger,
  encodeOctetString,
  encodeSequence,
  encodeSequenceOf,
  explicit,
  type Tlv,
} from '../../asn1/index.js';
import type { Key } from '../../crypto/key.js';
import { redactKey } from '../../crypto/redact.js';
import type { Principal } from '../principal.js';

/** KerberosTime: seconds since 1970-01-01T00:00:00Z (the wire has whole seconds). */
export type KerberosTime = number;

/**
 * PrincipalName ::= SEQUENCE {
 *   name-type  [0] Int32,
 *   name-string [1] SEQUENCE OF KerberosString }
 * The realm travels in its own field of each message; `principal()` joins them.
 */
export type PrincipalName = Pick<Principal, 'nameType' | 'components'>;

/** Joins a message's PrincipalName and Realm into a `Principal`. */
export function principal(name: PrincipalName, realm: string): Principal {
  return { nameType: name.nameType, components: name.components, realm };
}

export function decodePrincipalName(t: Tlv, what = 'PrincipalName'): PrincipalName {
  const s = decodeSequence(t, what);
  const nameType = decodeInt32(s.required(0, 'name-type'), `${what}.name-type`);
  const components = decodeSequenceOf(s.required(1, 'name-string'), (e) => decodeGeneralString(e), what);
  s.end();
  return { nameType, components };
}

export function encodePrincipalName(p: PrincipalName): Uint8Array {
  return encodeSequence([
    explicit(0, encodeInteger(p.nameType)),
    explicit(1, encodeSequenceOf(p.components, encodeGeneralString)),
  ]);
}

/**
 * EncryptedData ::= SEQUENCE {
 *   etype  [0] Int32 -- EncryptionType --,
 *   kvno   [1] UInt32 OPTIONAL,
 *   cipher [2] OCTET STRING -- ciphertext }
 */
export interface EncryptedData {
  readonly etype: number;
  readonly kvno?: number;
  readonly cipher: Uint8Array;
}

export function decodeEncryptedData(t: Tlv, what = 'EncryptedData'): EncryptedData {
  const s = decodeSequence(t, what);
  const etype = decodeInt32(s.required(0, 'etype'), what);
  const k = s.optional(1, 'kvno');
  const cipher = decodeOctetString(s.required(2, 'cipher'), what);
  s.end();
  return k === undefined ? { etype, cipher } : { etype, kvno: decodeInt32(k, what) >>> 0, cipher };
}

export function encodeEncryptedData(e: EncryptedData): Uint8Array {
  return derBytes(encryptedDataNode(e));
}

/** EncryptedData as a tree (asn1/der-tree.ts), for a message written in one piece. */
export function encryptedDataNode(e: EncryptedData): DerNode {
  return sequenceNode([
    explicitNode(0, encodeInteger(e.etype)),
    explicitNode(1, e.kvno === undefined ? undefined : encodeInteger(e.kvno | 0)),
    explicitNode(2, octetStringNode(e.cipher)),
  ]);
}

/**
 * EncryptionKey ::= SEQUENCE {
 *   keytype   [0] Int32 -- actually encryption type --,
 *   keyvalue  [1] OCTET STRING }
 * Decoded as the crypto layer's `Key`; keyvalue is a copy, never a view of the message.
 */
export function decodeEncryptionKey(t: Tlv, what = 'EncryptionKey'): Key {
  const s = decodeSequence(t, what);
  const enctype = decodeInt32(s.required(0, 'keytype'), what);
  const keyvalue = decodeOctetString(s.required(1, 'keyvalue'), what).slice();
  s.end();
  return redactKey({ enctype, keyvalue });
}

export function encodeEncryptionKey(k: Key): Uint8Array {
  return derBytes(encryptionKeyNode(k));
}

/** EncryptionKey as a tree: keyvalue is copied only into the final encoding, never elsewhere. */
export function encryptionKeyNode(k: Key): DerNode {
  return sequenceNode([
    explicitNode(0, encodeInteger(k.enctype)),
    explicitNode(1, octetStringNode(k.keyvalue)),
  ]);
}

/**
 * Checksum ::= SEQUENCE {
 *   cksumtype [0] Int32,
 *   checksum  [1] OCTET STRING }
 */
export interface Checksum {
  readonly cksumtype: number;
  readonly checksum: Uint8Array;
}

export function decodeChecksum(t: Tlv, what = 'Checksum'): Checksum {
  const s = decodeSequence(t, what);
  const cksumtype = decodeInt32(s.required(0, 'cksumtype'), what);
  const checksum = decodeOctetString(s.required(1, 'checksum'), what);
  s.end();
  return { cksumtype, checksum };
}

export function encodeChecksum(c: Checksum): Uint8Array {
  return encodeSequence([
    explicit(0, encodeInteger(c.cksumtype)),
    explicit(1, encodeOctetString(c.checksum)),
  ]);
}

/**
 * HostAddress ::= SEQUENCE {
 *   addr-type [0] Int32,
 *   address   [1] OCTET STRING }
 * HostAddresses ::= SEQUENCE OF HostAddress
 */
export interface HostAddress {
  readonly addrType: number;
  readonly address: Uint8Array;
}

export function decodeHostAddress(t: Tlv, what = 'HostAddress'): HostAddress {
  const s = decodeSequence(t, what);
  const addrType = decodeInt32(s.required(0, 'addr-type'), what);
  const address = decodeOctetString(s.required(1, 'address'), what);
  s.end();
  return { addrType, address };
}

export function encodeHostAddress(a: HostAddress): Uint8Array {
  return encodeSequence([explicit(0, encodeInteger(a.addrType)), explicit(1, encodeOctetString(a.address))]);
}

export function decodeHostAddresses(t: Tlv, what = 'HostAddresses'): HostAddress[] {
  return decodeSequenceOf(t, (e) => decodeHostAddress(e, what), what);
}

export function encodeHostAddresses(a: readonly HostAddress[]): Uint8Array {
  return encodeSequenceOf(a, encodeHostAddress);
}

/**
 * AuthorizationData ::= SEQUENCE OF SEQUENCE {
 *   ad-type [0] Int32,
 *   ad-data [1] OCTET STRING }
 * Every ad-type is kept, known or not (RFC 4120 5.2.6: the receiver decides what it ignores).
 */
export interface AuthorizationDataEntry {
  readonly adType: number;
  readonly adData: Uint8Array;
}
export type AuthorizationData = readonly AuthorizationDataEntry[];

export function decodeAuthorizationData(t: Tlv, what = 'AuthorizationData'): AuthorizationDataEntry[] {
  return decodeSequenceOf(
    t,
    (e) => {
      const s = decodeSequence(e, what);
      const adType = decodeInt32(s.required(0, 'ad-type'), what);
      const adData = decodeOctetString(s.required(1, 'ad-data'), what);
      s.end();
      return { adType, adData };
    },
    what,
  );
}

export function encodeAuthorizationData(ad: AuthorizationData): Uint8Array {
  return encodeSequenceOf(ad, (e) =>
    encodeSequence([explicit(0, encodeInteger(e.adType)), explicit(1, encodeOctetString(e.adData))]),
  );
}

/**
 * PA-DATA ::= SEQUENCE {
 *   -- NOTE: first tag is [1], not [0]
 *   padata-type  [1] Int32,
 *   padata-value [2] OCTET STRING -- might be encoded AP-REQ }
 * METHOD-DATA ::= SEQUENCE OF PA-DATA
 * Unknown padata-types are kept as they are (RFC 4120 5.2.7).
 */
export interface PaData {
  readonly padataType: number;
  readonly padataValue: Uint8Array;
}

export function decodePaData(t: Tlv, what = 'PA-DATA'): PaData {
  const s = decodeSequence(t, what);
  const padataType = decodeInt32(s.required(1, 'padata-type'), what);
  const padataValue = decodeOctetString(s.required(2, 'padata-value'), what);
  s.end();
  return { padataType, padataValue };
}

export function encodePaData(p: PaData): Uint8Array {
  return encodeSequence([
    explicit(1, encodeInteger(p.padataType)),
    explicit(2, encodeOctetString(p.padataValue)),
  ]);
}

export function methodDataFromTlv(t: Tlv, what = 'METHOD-DATA'): PaData[] {
  return decodeSequenceOf(t, (e) => decodePaData(e, what), what);
}

export function encodeMethodData(m: readonly PaData[]): Uint8Array {
  return encodeSequenceOf(m, encodePaData);
}

/**
 * LastReq ::= SEQUENCE OF SEQUENCE {
 *   lr-type  [0] Int32,
 *   lr-value [1] KerberosTime }
 */
export interface LastReqEntry {
  readonly lrType: number;
  readonly lrValue: KerberosTime;
}

export function decodeLastReq(t: Tlv, what = 'LastReq'): LastReqEntry[] {
  return decodeSequenceOf(
    t,
    (e) => {
      const s = decodeSequence(e, what);
      const lrType = decodeInt32(s.required(0, 'lr-type'), what);
      const lrValue = decodeGeneralizedTime(s.required(1, 'lr-value'), what);
      s.end();
      return { lrType, lrValue };
    },
    what,
  );
}

export function encodeLastReq(l: readonly LastReqEntry[]): Uint8Array {
  return encodeSequenceOf(l, (e) =>
    encodeSequence([explicit(0, encodeInteger(e.lrType)), explicit(1, encodeGeneralizedTime(e.lrValue))]),
  );
}

/** Optional-field helpers: absent stays absent, so decode-then-encode keeps the same fields. */
export function opt<T, R>(t: T | undefined, f: (x: T) => R): R | undefined {
  return t === undefined ? undefined : f(t);
}
