/** Pieces shared by the AS and TGS exchanges. */

import { decodeApplication, decodeSequence, readTlv } from '../../asn1/index.js';
import { encrypt, getProfile, randomBytes } from '../../crypto/index.js';
import type { Key } from '../../crypto/key.js';
import { now } from '../../util/clock.js';
import type { CachedCredential } from '../ccache/index.js';
import { KU_PA_ENC_TIMESTAMP } from '../constants/key-usages.js';
import { PA_ENC_TIMESTAMP } from '../constants/padata-types.js';
import { encodeEncryptedData, type PaData, principal } from '../messages/common.js';
import type { EncKdcRepPart, KdcRep } from '../messages/kdc-rep.js';
import { encodePaEncTsEnc } from '../messages/padata.js';
import { encodeTicket } from '../messages/ticket.js';
import type { Principal } from '../principal.js';

/** A request nonce: 31 random bits, as MIT makes them (positive in an Int32 on every KDC). */
export function newNonce(): number {
  const b = randomBytes(4);
  return (((b[0] & 0x7f) << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
}

/** MIT's name for an enctype, or `etype N` for one we do not know (klist.c etype_string). */
export function enctypeName(enctype: number): string {
  try {
    return getProfile(enctype).name;
  } catch {
    return `etype ${enctype}`;
  }
}

/** The shortest MIT name of an enctype, as trace lines show it ({etype} in k5-trace.h). */
export function traceEnctype(enctype: number): string {
  try {
    const p = getProfile(enctype);
    return [p.name, ...p.aliases].reduce((a, b) => (b.length < a.length ? b : a));
  } catch {
    return String(enctype);
  }
}

/** A trace list of enctypes ({etypes}). */
export function traceEnctypes(list: readonly number[]): string {
  return list.map(traceEnctype).join(', ');
}

/** MIT's trace names of the padata types a client meets (k5-trace.h / trace.c). */
const PADATA_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'PA-TGS-REQ',
  2: 'PA-ENC-TIMESTAMP',
  3: 'PA-PW-SALT',
  11: 'PA-ETYPE-INFO',
  16: 'PA-PK-AS-REQ',
  17: 'PA-PK-AS-REP',
  19: 'PA-ETYPE-INFO2',
  128: 'PA-PAC-REQUEST',
  133: 'PA-FX-COOKIE',
  136: 'PA-FX-FAST',
  138: 'PA-ENCRYPTED-CHALLENGE',
  149: 'PA-REQ-ENC-PA-REP',
  150: 'PA-AS-FRESHNESS',
  151: 'PA-SPAKE',
});

/** `PA-ETYPE-INFO2 (19), PA-ENC-TIMESTAMP (2)`, or `(empty)`, as MIT's trace lists padata. */
export function padataNames(list: readonly PaData[]): string {
  if (list.length === 0) return '(empty)';
  return list.map((p) => `${PADATA_NAMES[p.padataType] ?? 'PA-DATA'} (${p.padataType})`).join(', ');
}

/** PA-ENC-TIMESTAMP (RFC 4120 5.2.7.2): PA-ENC-TS-ENC encrypted with key usage 1. */
export function encTimestampPadata(key: Key, offsetSeconds: number): PaData {
  const ms = now() + offsetSeconds * 1000;
  const ts = encodePaEncTsEnc({ patimestamp: Math.floor(ms / 1000), pausec: (ms % 1000) * 1000 });
  const cipher = encrypt(key, KU_PA_ENC_TIMESTAMP, ts);
  return { padataType: PA_ENC_TIMESTAMP, padataValue: encodeEncryptedData({ etype: key.enctype, cipher }) };
}

/**
 * The Ticket exactly as the KDC encoded it (field [5] of KDC-REP): a ccache keeps those bytes,
 * so a service sees what the KDC sent even if our encoder would differ.
 */
export function rawTicket(replyBytes: Uint8Array, rep: KdcRep): Uint8Array {
  try {
    const outer = readTlv(replyBytes, 'KDC-REP');
    const seq = decodeSequence(decodeApplication(outer, outer.tag, 'KDC-REP'), 'KDC-REP');
    return Uint8Array.from(seq.required(5, 'ticket').raw);
  } catch {
    return encodeTicket(rep.ticket);
  }
}

/**
 * krb5_creds from a verified reply (MIT stash_as_reply / the TGS equivalent). With
 * `canonicalized` (RFC 6806: the request set canonicalize) the client is the name the KDC
 * answered with, as MIT stores it; otherwise the name asked for, whose realm the reply kept.
 */
export function credentialFromReply(
  client: Principal,
  rep: KdcRep,
  enc: EncKdcRepPart,
  replyBytes: Uint8Array,
  canonicalized = false,
): CachedCredential {
  const answered = principal(rep.cname, rep.crealm);
  return Object.freeze({
    client: !canonicalized && answered.realm === client.realm ? client : answered,
    server: principal(enc.sname, enc.srealm),
    key: enc.key,
    authtime: enc.authtime,
    // MIT's decoder reads an absent starttime as authtime, and so its caches hold it.
    starttime: enc.starttime ?? enc.authtime,
    endtime: enc.endtime,
    renewTill: enc.renewTill ?? 0,
    isSkey: false,
    ticketFlags: enc.flags,
    addresses: (enc.caddr ?? []).map((a) => ({ addrType: a.addrType, address: Uint8Array.from(a.address) })),
    authdata: [],
    ticket: rawTicket(replyBytes, rep),
    secondTicket: new Uint8Array(0),
  });
}
