/** Builds AS and TGS requests with our message codecs and sends them to a KDC over UDP or TCP. */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { decrypt, encrypt, makeChecksum, randomKey, stringToKey } from '../../../src/crypto/index.js';
import type { Key } from '../../../src/crypto/key.js';
import {
  KDC_OPT_FORWARDABLE,
  KU_PA_ENC_TIMESTAMP,
  KU_TGS_REQ_AUTH,
  KU_TGS_REQ_AUTH_CKSUM,
} from '../../../src/krb5/constants/index.js';
import { encodeApReq, encodeAuthenticator } from '../../../src/krb5/messages/ap.js';
import type { PaData } from '../../../src/krb5/messages/common.js';
import { encodeEncryptedData } from '../../../src/krb5/messages/common.js';
import {
  decodeAsRep,
  decodeEncKdcRepPart,
  decodeTgsRep,
  type KdcRep,
} from '../../../src/krb5/messages/kdc-rep.js';
import {
  encodeAsReq,
  encodeKdcReqBody,
  encodeTgsReq,
  type KdcReqBody,
} from '../../../src/krb5/messages/kdc-req.js';
import { decodeKrbError, type KrbError } from '../../../src/krb5/messages/krb-error.js';
import { encodePaEncTsEnc } from '../../../src/krb5/messages/padata.js';
import type { Ticket } from '../../../src/krb5/messages/ticket.js';

export const NT_PRINCIPAL = 1;
export const NT_SRV_INST = 2;

export function udpRequest(port: number, msg: Uint8Array, timeoutMs = 2000): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.once('message', (m) => {
      clearTimeout(timer);
      s.close();
      resolve(new Uint8Array(m));
    });
    s.send(msg, port, '127.0.0.1');
  });
}

/** Sends raw bytes over TCP; resolves with everything read until the server closes (or timeout). */
export function tcpExchange(port: number, raw: Uint8Array, timeoutMs = 2000): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(raw));
    const timer = setTimeout(() => s.destroy(), timeoutMs);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(new Uint8Array(Buffer.concat(chunks)));
    });
  });
}

export function framed(msg: Uint8Array): Uint8Array {
  const out = Buffer.alloc(4 + msg.length);
  out.writeUInt32BE(msg.length, 0);
  out.set(msg, 4);
  return new Uint8Array(out);
}

export interface AsOptions {
  realm: string;
  client: string[];
  etypes?: number[];
  kdcOptions?: number;
  password?: string;
  /** Seconds added to the timestamp in PA-ENC-TIMESTAMP. */
  skew?: number;
  till?: number;
  rtime?: number;
  padata?: PaData[];
}

export function asReqBody(o: AsOptions): KdcReqBody {
  return {
    kdcOptions: o.kdcOptions ?? KDC_OPT_FORWARDABLE,
    cname: { nameType: NT_PRINCIPAL, components: o.client },
    realm: o.realm,
    sname: { nameType: NT_SRV_INST, components: ['krbtgt', o.realm] },
    till: o.till ?? Math.floor(Date.now() / 1000) + 36000,
    rtime: o.rtime,
    nonce: 0x12345678,
    etype: o.etypes ?? [18, 17, 20, 19],
  };
}

export function clientKey(o: AsOptions, enctype: number): Key {
  return stringToKey(enctype, o.password ?? '', o.realm + o.client.join(''));
}

export function encTimestamp(key: Key, skew = 0): PaData {
  const now = Math.floor(Date.now() / 1000) + skew;
  const plain = encodePaEncTsEnc({ patimestamp: now, pausec: 0 });
  return {
    padataType: 2,
    padataValue: encodeEncryptedData({
      etype: key.enctype,
      cipher: encrypt(key, KU_PA_ENC_TIMESTAMP, plain),
    }),
  };
}

export function asReq(o: AsOptions, withPreauth: boolean): Uint8Array {
  const etype = (o.etypes ?? [18])[0];
  const padata = o.padata ?? (withPreauth ? [encTimestamp(clientKey(o, etype), o.skew)] : undefined);
  return encodeAsReq({ padata, reqBody: asReqBody(o) });
}

export type Reply = { error: KrbError } | { rep: KdcRep };

export function parseReply(bytes: Uint8Array | undefined): Reply {
  if (!bytes) throw new Error('no reply');
  if (bytes[0] === 0x7e) return { error: decodeKrbError(bytes) };
  return { rep: bytes[0] === 0x6b ? decodeAsRep(bytes) : decodeTgsRep(bytes) };
}

export function expectError(r: Reply): KrbError {
  if (!('error' in r)) throw new Error('expected a KRB-ERROR');
  return r.error;
}

export function expectRep(r: Reply): KdcRep {
  if (!('rep' in r)) throw new Error(`expected a reply, got error ${r.error.errorCode} ${r.error.eText}`);
  return r.rep;
}

export function decryptAsRep(rep: KdcRep, key: Key) {
  return decodeEncKdcRepPart(decrypt(key, 3, rep.encPart.cipher));
}

export interface TgsOptions {
  realm: string;
  tgt: Ticket;
  sessionKey: Key;
  client: string[];
  service: string[];
  kdcOptions?: number;
  etypes?: number[];
  subkey?: Key;
  /** Seconds added to the authenticator's ctime. */
  skew?: number;
  /** Corrupts the checksum. */
  badChecksum?: boolean;
}

export function tgsReq(o: TgsOptions): Uint8Array {
  const reqBody: KdcReqBody = {
    kdcOptions: o.kdcOptions ?? 0,
    realm: o.realm,
    sname: { nameType: NT_SRV_INST, components: o.service },
    till: Math.floor(Date.now() / 1000) + 36000,
    nonce: 0x0badcafe,
    etype: o.etypes ?? [18, 17, 20, 19],
  };
  const bodyBytes = encodeKdcReqBody(reqBody);
  const checksum = makeChecksum(o.sessionKey, KU_TGS_REQ_AUTH_CKSUM, bodyBytes);
  if (o.badChecksum) checksum[0] ^= 1;
  const cksumtype = { 17: 15, 18: 16, 19: 19, 20: 20 }[o.sessionKey.enctype] as number;
  const auth = encodeAuthenticator({
    crealm: o.realm,
    cname: { nameType: NT_PRINCIPAL, components: o.client },
    cksum: { cksumtype, checksum },
    cusec: 0,
    ctime: Math.floor(Date.now() / 1000) + (o.skew ?? 0),
    subkey: o.subkey,
  });
  const apReq = encodeApReq({
    apOptions: 0,
    ticket: o.tgt,
    authenticator: { etype: o.sessionKey.enctype, cipher: encrypt(o.sessionKey, KU_TGS_REQ_AUTH, auth) },
  });
  return encodeTgsReq({ padata: [{ padataType: 1, padataValue: apReq }], reqBody });
}

export { randomKey };
