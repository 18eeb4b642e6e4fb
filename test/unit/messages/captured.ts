/**
 * Checks of a set of messages captured from MIT (test/harness/capture-messages.ts): decoded
 * fields, byte-exact re-encoding, and the encrypted parts opened with the keys of the capture's
 * realm. Shared by the fixture test (unit) and the live capture test (interop).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DerReader, readTlv } from '../../../src/asn1/index.js';
import { decrypt, stringToKey } from '../../../src/crypto/index.js';
import type { Key } from '../../../src/crypto/key.js';
import { MINOR } from '../../../src/errors/minor.js';
import * as K from '../../../src/krb5/constants/index.js';
import { type Keytab, parseKeytab } from '../../../src/krb5/keytab/index.js';
import * as M from '../../../src/krb5/messages/index.js';
import { toHex } from '../../../src/util/bytes.js';
import { type CapturedMessages, FIXTURE_FILES } from '../../harness/capture-messages.js';
import { ALICE_PASSWORD } from '../../harness/realm.js';

const KRB5_OID = '2a864886f712010202';
const DIR = join('test', 'fixtures', 'messages');

/** The fixtures of test/fixtures/messages (see its README). */
export function loadFixtures(): CapturedMessages {
  const out: Partial<Record<keyof CapturedMessages, Uint8Array>> = {};
  for (const [k, f] of Object.entries(FIXTURE_FILES)) {
    const p = join(DIR, f);
    if (existsSync(p)) out[k as keyof CapturedMessages] = new Uint8Array(readFileSync(p));
  }
  return out as CapturedMessages;
}

/** The keys of the realm the fixtures were captured in. */
export function fixtureKeys(): CaptureKeys {
  return {
    realm: 'TEST.GSS',
    alicePassword: ALICE_PASSWORD,
    serviceKeytab: parseKeytab(new Uint8Array(readFileSync(join(DIR, 'gsstest.keytab')))),
  };
}

/** Splits an RFC 2743 3.1 token (60 len 06 09 <krb5 OID> TOK_ID) into its token id and body. */
export function unframeGssToken(token: Uint8Array): { tokId: number; body: Uint8Array } {
  const outer = readTlv(token, 'GSS token');
  assert.equal(outer.raw[0], 0x60);
  const r = new DerReader(outer.value);
  const oid = r.next('mech OID');
  assert.equal(toHex(oid.value), KRB5_OID);
  const rest = outer.value.subarray(oid.raw.length);
  return { tokId: (rest[0] << 8) | rest[1], body: rest.subarray(2) };
}

function sameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(toHex(actual), toHex(expected), `${what}: re-encoding differs`);
}

function names(n: M.PrincipalName): string {
  return n.components.join('/');
}

export interface CaptureKeys {
  readonly realm: string;
  readonly alicePassword: string;
  /** gsstest/localhost's keys in the capture's realm. */
  readonly serviceKeytab: Keytab;
}

/** Plaintexts of the encrypted parts, for the fuzz tests. */
export interface OpenedParts {
  readonly encAsRepPart: Uint8Array;
  readonly encTicketPart: Uint8Array;
  readonly authenticator: Uint8Array;
  readonly encApRepPart: Uint8Array;
  readonly paEncTsEnc: Uint8Array;
  readonly apReq: Uint8Array;
  readonly apRep: Uint8Array;
  readonly encKrbCredPart?: Uint8Array;
  readonly delegatedCredPart?: Uint8Array;
}

function serviceKey(kt: Keytab, ticket: M.Ticket): Key {
  const e = kt.entries.find(
    (x) =>
      x.key.enctype === ticket.encPart.etype &&
      x.kvno === ticket.encPart.kvno &&
      x.principal.components.join('/') === names(ticket.sname),
  );
  assert.ok(e, `a keytab key for ${names(ticket.sname)} etype ${ticket.encPart.etype}`);
  return e.key;
}

export function checkCaptured(m: CapturedMessages, keys: CaptureKeys): OpenedParts {
  const { realm } = keys;
  // Every message dispatches by its APPLICATION tag and re-encodes to the same bytes.
  for (const [name, bytes] of Object.entries(m)) {
    if (!bytes || name.endsWith('Token')) continue;
    sameBytes(M.encodeKrbMessage(M.decodeKrbMessage(bytes)), bytes, name);
  }

  // AS-REQ without pre-authentication.
  const req1 = M.decodeAsReq(m.asReqNoPreauth);
  sameBytes(M.encodeAsReq(req1), m.asReqNoPreauth, 'AS-REQ');
  assert.equal(req1.msgType, K.KRB_AS_REQ);
  assert.deepEqual(req1.reqBody.cname, { nameType: K.NT_PRINCIPAL, components: ['alice'] });
  assert.equal(req1.reqBody.realm, realm);
  assert.deepEqual(req1.reqBody.sname, { nameType: K.NT_SRV_INST, components: ['krbtgt', realm] });
  for (const e of [18, 17, 20, 19]) assert.ok(req1.reqBody.etype.includes(e), `etype ${e} offered`);
  assert.ok(!req1.padata?.some((p) => p.padataType === K.PA_ENC_TIMESTAMP));
  assert.ok(req1.reqBody.kdcOptions & K.KDC_OPT_FORWARDABLE, 'forwardable = true in krb5.conf');
  assert.ok(req1.reqBodyBytes && toHex(M.encodeKdcReqBody(req1.reqBody)) === toHex(req1.reqBodyBytes));

  // KRB-ERROR PREAUTH_REQUIRED, with METHOD-DATA and ETYPE-INFO2 in e-data.
  const err = M.decodeKrbError(m.krbErrorPreauthRequired);
  assert.equal(err.errorCode, K.KDC_ERR_PREAUTH_REQUIRED);
  assert.equal(err.errorCode, 25);
  assert.equal(K.krbErrorMinor(err.errorCode), MINOR.KRB5KDC_ERR_PREAUTH_REQUIRED);
  assert.equal(err.realm, realm);
  assert.deepEqual(err.cname?.components, ['alice']);
  assert.deepEqual(err.sname.components, ['krbtgt', realm]);
  assert.ok(err.eData, 'e-data present');
  const methods = M.decodeMethodData(err.eData);
  sameBytes(M.encodeMethodData(methods), err.eData, 'METHOD-DATA');
  const types = methods.map((p) => p.padataType);
  assert.ok(types.includes(K.PA_ENC_TIMESTAMP) && types.includes(K.PA_ETYPE_INFO2), `padata ${types}`);
  const info2Bytes = methods.find((p) => p.padataType === K.PA_ETYPE_INFO2)?.padataValue ?? new Uint8Array();
  const info2 = M.decodeEtypeInfo2(info2Bytes);
  sameBytes(M.encodeEtypeInfo2(info2), info2Bytes, 'ETYPE-INFO2');
  assert.equal(info2[0].etype, 18);
  assert.equal(info2[0].salt, `${realm}alice`);

  // AS-REQ with PA-ENC-TIMESTAMP, opened with alice's password-derived key (key usage 1).
  const req2 = M.decodeAsReq(m.asReqEncTimestamp);
  const ts = req2.padata?.find((p) => p.padataType === K.PA_ENC_TIMESTAMP);
  assert.ok(ts, 'PA-ENC-TIMESTAMP present');
  const encTs = M.decodePaEncTimestamp(ts.padataValue);
  sameBytes(M.encodePaEncTimestamp(encTs), ts.padataValue, 'PA-ENC-TIMESTAMP');
  const alice = stringToKey(info2[0].etype, keys.alicePassword, info2[0].salt ?? '', info2[0].s2kparams);
  assert.equal(encTs.etype, alice.enctype);
  const paEncTsEnc = decrypt(alice, K.KU_PA_ENC_TIMESTAMP, encTs.cipher);
  const tsEnc = M.decodePaEncTsEnc(paEncTsEnc);
  sameBytes(M.encodePaEncTsEnc(tsEnc), paEncTsEnc, 'PA-ENC-TS-ENC');
  assert.ok(Math.abs(tsEnc.patimestamp - err.stime) < 300, 'client time near the KDC time');

  // AS-REP: the reply part opens with alice's key (usage 3) and carries the request's nonce.
  const rep = M.decodeAsRep(m.asRep);
  sameBytes(M.encodeAsRep(rep), m.asRep, 'AS-REP');
  assert.equal(rep.crealm, realm);
  assert.deepEqual(rep.cname.components, ['alice']);
  assert.deepEqual(rep.ticket.sname.components, ['krbtgt', realm]);
  assert.equal(rep.encPart.etype, alice.enctype);
  const encAsRepPart = decrypt(alice, K.KU_AS_REP_ENC_PART, rep.encPart.cipher);
  const part = M.decodeEncKdcRepPart(encAsRepPart);
  sameBytes(M.encodeEncKdcRepPart(part), encAsRepPart, 'EncASRepPart');
  // Measured: MIT's KDC (krb5_encode_kdc_rep) tags the AS reply part EncTGSRepPart [26] too.
  assert.equal(part.tag, K.APP_ENC_TGS_REP_PART, "MIT's KDC sends [APPLICATION 26] for AS");
  assert.equal(part.nonce, req2.reqBody.nonce, 'AS-REP nonce matches the AS-REQ');
  assert.equal(part.srealm, realm);
  assert.deepEqual(part.sname.components, ['krbtgt', realm]);
  assert.ok(part.flags & K.TKT_FLG_INITIAL && part.flags & K.TKT_FLG_PRE_AUTH, 'initial, pre-authenticated');
  assert.ok(part.endtime > part.authtime);

  // TGS-REQ: PA-TGS-REQ holds an AP-REQ with the TGT.
  const tgsReq = M.decodeTgsReq(m.tgsReq);
  sameBytes(M.encodeTgsReq(tgsReq), m.tgsReq, 'TGS-REQ');
  assert.deepEqual(tgsReq.reqBody.sname?.components, ['gsstest', 'localhost']);
  assert.equal(tgsReq.reqBody.cname, undefined, 'no cname in a TGS-REQ');
  const paTgs = tgsReq.padata?.find((p) => p.padataType === K.PA_TGS_REQ);
  assert.ok(paTgs, 'PA-TGS-REQ present');
  const tgsApReq = M.decodeApReq(paTgs.padataValue);
  sameBytes(M.encodeApReq(tgsApReq), paTgs.padataValue, 'PA-TGS-REQ AP-REQ');
  assert.deepEqual(tgsApReq.ticket, rep.ticket, 'the TGT from the AS-REP');

  // TGS-REP: the service ticket opens with gsstest's keytab key (usage 2).
  const tgsRep = M.decodeTgsRep(m.tgsRep);
  sameBytes(M.encodeTgsRep(tgsRep), m.tgsRep, 'TGS-REP');
  assert.deepEqual(tgsRep.cname.components, ['alice']);
  assert.deepEqual(tgsRep.ticket.sname.components, ['gsstest', 'localhost']);
  const svcKey = serviceKey(keys.serviceKeytab, tgsRep.ticket);
  const etp = decrypt(svcKey, K.KU_TICKET, tgsRep.ticket.encPart.cipher);
  const tkt = M.decodeEncTicketPart(etp);
  sameBytes(M.encodeEncTicketPart(tkt), etp, 'EncTicketPart');
  assert.deepEqual(tkt.cname.components, ['alice']);
  assert.equal(tkt.crealm, realm);

  // Unknown principal.
  const unknown = M.decodeKrbError(m.krbErrorPrincipalUnknown);
  assert.equal(unknown.errorCode, K.KDC_ERR_C_PRINCIPAL_UNKNOWN);
  assert.equal(K.krbErrorMinor(unknown.errorCode), MINOR.KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN);
  assert.deepEqual(unknown.cname?.components, ['nobody']);

  // AP-REQ from MIT's GSS initiator (RFC 4121 4.1: TOK_ID 01 00), opened with the service key.
  const apTok = unframeGssToken(m.apReqToken);
  assert.equal(apTok.tokId, 0x0100);
  const apReq = M.decodeApReq(apTok.body);
  sameBytes(M.encodeApReq(apReq), apTok.body, 'AP-REQ');
  assert.ok(apReq.apOptions & K.AP_OPTS_MUTUAL_REQUIRED, 'mutual-required');
  const apTkt = M.decodeEncTicketPart(
    decrypt(serviceKey(keys.serviceKeytab, apReq.ticket), K.KU_TICKET, apReq.ticket.encPart.cipher),
  );
  const authenticator = decrypt(apTkt.key, K.KU_AP_REQ_AUTH, apReq.authenticator.cipher);
  const auth = M.decodeAuthenticator(authenticator);
  sameBytes(M.encodeAuthenticator(auth), authenticator, 'Authenticator');
  assert.deepEqual(auth.cname.components, ['alice']);
  assert.equal(auth.cksum?.cksumtype, K.CKSUMTYPE_GSSAPI);
  assert.ok(auth.subkey && auth.seqNumber !== undefined, 'MIT sends a subkey and a sequence number');

  // AP-REP from MIT's GSS acceptor (TOK_ID 02 00), opened with the ticket's session key.
  const repTok = unframeGssToken(m.apRepToken);
  assert.equal(repTok.tokId, 0x0200);
  const apRep = M.decodeApRep(repTok.body);
  sameBytes(M.encodeApRep(apRep), repTok.body, 'AP-REP');
  const encApRepPart = decrypt(apTkt.key, K.KU_AP_REP_ENC_PART, apRep.encPart.cipher);
  const apRepPart = M.decodeEncApRepPart(encApRepPart);
  sameBytes(M.encodeEncApRepPart(apRepPart), encApRepPart, 'EncAPRepPart');
  assert.equal(apRepPart.ctime, auth.ctime);
  assert.equal(apRepPart.cusec, auth.cusec);

  // KRB-CRED from krb5_fwd_tgt_creds with no key: the enc-part is the plain EncKrbCredPart.
  let encKrbCredPart: Uint8Array | undefined;
  if (m.krbCred) {
    const cred = M.decodeKrbCred(m.krbCred);
    sameBytes(M.encodeKrbCred(cred), m.krbCred, 'KRB-CRED');
    assert.equal(cred.tickets.length, 1);
    assert.deepEqual(cred.tickets[0].sname.components, ['krbtgt', realm]);
    assert.equal(cred.encPart.etype, 0);
    encKrbCredPart = cred.encPart.cipher;
    const cp = M.decodeEncKrbCredPart(encKrbCredPart);
    sameBytes(M.encodeEncKrbCredPart(cp), encKrbCredPart, 'EncKrbCredPart');
    assert.deepEqual(cp.ticketInfo[0].pname?.components, ['alice']);
    assert.ok((cp.ticketInfo[0].flags ?? 0) & K.TKT_FLG_FORWARDED, 'forwarded TGT');
  }
  // Delegation: the 0x8003 checksum (RFC 4121 4.1.1: Lgth, Bnd, Flags, DlgOpt, Dlgth, Deleg)
  // carries a KRB-CRED whose enc-part MIT encrypts under the ticket's session key (usage 14),
  // not the authenticator subkey: make_gss_checksum runs before the subkey is in the auth context.
  let delegatedCredPart: Uint8Array | undefined;
  if (m.apReqDelegateToken) {
    const dTok = unframeGssToken(m.apReqDelegateToken);
    const dReq = M.decodeApReq(dTok.body);
    sameBytes(M.encodeApReq(dReq), dTok.body, 'AP-REQ with delegation');
    const dTkt = M.decodeEncTicketPart(
      decrypt(serviceKey(keys.serviceKeytab, dReq.ticket), K.KU_TICKET, dReq.ticket.encPart.cipher),
    );
    const dAuth = M.decodeAuthenticator(decrypt(dTkt.key, K.KU_AP_REQ_AUTH, dReq.authenticator.cipher));
    const ck = dAuth.cksum?.checksum ?? new Uint8Array();
    const le16 = (o: number) => ck[o] | (ck[o + 1] << 8);
    const flags = le16(20) | (le16(22) << 16);
    assert.ok(flags & 1, 'GSS_C_DELEG_FLAG in the checksum');
    assert.equal(le16(24), 1, 'DlgOpt');
    const credBytes = ck.subarray(28, 28 + le16(26));
    const cred = M.decodeKrbCred(credBytes);
    sameBytes(M.encodeKrbCred(cred), credBytes, 'delegated KRB-CRED');
    const credKey = dTkt.key;
    assert.equal(cred.encPart.etype, credKey.enctype);
    delegatedCredPart = decrypt(credKey, K.KU_KRB_CRED_ENC_PART, cred.encPart.cipher);
    const part = M.decodeEncKrbCredPart(delegatedCredPart);
    sameBytes(M.encodeEncKrbCredPart(part), delegatedCredPart, 'delegated EncKrbCredPart');
    assert.deepEqual(part.ticketInfo[0].sname?.components, ['krbtgt', realm]);
    assert.deepEqual(part.ticketInfo[0].pname?.components, ['alice']);
    assert.ok((part.ticketInfo[0].flags ?? 0) & K.TKT_FLG_FORWARDED, 'a forwarded TGT');
  }

  return {
    delegatedCredPart,
    encAsRepPart,
    encTicketPart: etp,
    authenticator,
    encApRepPart,
    paEncTsEnc,
    apReq: apTok.body,
    apRep: repTok.body,
    encKrbCredPart,
  };
}
