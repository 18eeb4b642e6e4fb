/**
 * Damage behind the MAC: what an authenticated peer (or the KDC) could send. The plaintext of an
 * authenticator (with a delegated KRB-CRED in its 0x8003 checksum), of an EncTicketPart, of an
 * AP-REP's EncAPRepPart and of an AS-REP's EncKDCRepPart is mutated and re-encrypted under the
 * right key, so the damaged contents reach the code behind decryption. Only GssError may escape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decrypt, encrypt, randomKey, stringToKey } from '../../../src/crypto/index.js';
import type { Key } from '../../../src/crypto/key.js';
import * as S from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { unwrapInitialContextToken, wrapInitialContextToken } from '../../../src/gssapi/token/framing.js';
import {
  KU_AP_REP_ENC_PART,
  KU_AP_REQ_AUTH,
  KU_AS_REP_ENC_PART,
  KU_PA_ENC_TIMESTAMP,
  KU_TGS_REQ_AUTH,
  KU_TICKET,
} from '../../../src/krb5/constants/index.js';
import { getInitialCredentials } from '../../../src/krb5/kdc-client/as.js';
import { type KdcTransport, networkTransport } from '../../../src/krb5/kdc-client/transport.js';
import { parseKeytab } from '../../../src/krb5/keytab/format.js';
import { decodeApRep, decodeApReq, encodeApRep, encodeApReq } from '../../../src/krb5/messages/ap.js';
import { decodeAsRep, encodeAsRep } from '../../../src/krb5/messages/kdc-rep.js';
import { decodeAsReq, decodeTgsReq, encodeAsReq, encodeTgsReq } from '../../../src/krb5/messages/kdc-req.js';
import { decodeKrbError } from '../../../src/krb5/messages/krb-error.js';
import { decodePaEncTimestamp, encodePaEncTimestamp } from '../../../src/krb5/messages/padata.js';
import { decodeEncTicketPart } from '../../../src/krb5/messages/ticket.js';
import { parsePrincipal } from '../../../src/krb5/principal.js';
import { clientKey, tgsReq } from '../kdc/helpers.js';
import { fuzzAsync, fuzzSync, mutants, sample } from './fuzz-lib.js';
import { KDC_ALICE, KDC_REALM, startFuzzKdc } from './kdc-handler.js';
import { mutators } from './mutators.js';
import { ALICE_PASSWORD, REALM, type SecurityWorld, startSecurityWorld } from './world.js';

const AP_REQ = 0x0100;
const AP_REP = 0x0200;
const ESTABLISH = [
  S.GSS_S_DEFECTIVE_TOKEN,
  S.GSS_S_BAD_SIG,
  S.GSS_S_BAD_MECH,
  S.GSS_S_FAILURE,
  S.GSS_S_NO_CRED,
  S.GSS_S_BAD_BINDINGS,
  S.GSS_S_CREDENTIALS_EXPIRED,
  S.GSS_S_CONTEXT_EXPIRED,
];

export function describeInnerParsers(): void {
  describe('damaged contents under a valid MAC', () => {
    let w: SecurityWorld;
    before(async () => {
      w = await startSecurityWorld();
    });
    after(async () => {
      await w?.stop();
    });

    it('the acceptor on damaged authenticators (with delegation) and damaged EncTicketParts', async () => {
      const { apReqToken } = await w.establish({ delegate: true });
      const apReq = decodeApReq(unwrapInitialContextToken(apReqToken, AP_REQ));
      const entry = parseKeytab(w.keytabBytes).entries.find(
        (e) => e.key.enctype === apReq.ticket.encPart.etype && e.kvno === apReq.ticket.encPart.kvno,
      );
      assert.ok(entry);
      const ticketPlain = decrypt(entry.key, KU_TICKET, apReq.ticket.encPart.cipher);
      const sessionKey: Key = decodeEncTicketPart(ticketPlain).key;
      const authPlain = decrypt(sessionKey, KU_AP_REQ_AUTH, apReq.authenticator.cipher);
      const accept = (token: Uint8Array) => SecurityContext.accept({ credentials: w.acceptor }).step(token);
      const s1 = await fuzzAsync(
        'authenticator plaintext',
        sample(mutants(authPlain, 61), 3),
        (b) => {
          const authenticator = { ...apReq.authenticator, cipher: encrypt(sessionKey, KU_AP_REQ_AUTH, b) };
          return accept(wrapInitialContextToken(AP_REQ, encodeApReq({ ...apReq, authenticator })));
        },
        [...ESTABLISH, S.GSS_S_DUPLICATE_ELEMENT],
      );
      const s2 = await fuzzAsync(
        'EncTicketPart plaintext',
        sample(mutants(ticketPlain, 62), 4),
        (b) => {
          const encPart = { ...apReq.ticket.encPart, cipher: encrypt(entry.key, KU_TICKET, b) };
          return accept(
            wrapInitialContextToken(AP_REQ, encodeApReq({ ...apReq, ticket: { ...apReq.ticket, encPart } })),
          );
        },
        ESTABLISH,
      );
      assert.ok(s1.rejected > 0 && s2.rejected > 0);
    });

    it('the initiator on damaged EncAPRepParts', async () => {
      const { apReqToken } = await w.establish();
      const apReq = decodeApReq(unwrapInitialContextToken(apReqToken, AP_REQ));
      const entry = parseKeytab(w.keytabBytes).entries.find(
        (e) => e.key.enctype === apReq.ticket.encPart.etype && e.kvno === apReq.ticket.encPart.kvno,
      );
      assert.ok(entry);
      const sessionKey = decodeEncTicketPart(decrypt(entry.key, KU_TICKET, apReq.ticket.encPart.cipher)).key;
      const list = mutators(60, 63, 400);
      await fuzzAsync(
        'EncAPRepPart plaintext',
        list.map((m, i) => ({ what: m.what, bytes: Uint8Array.of(i & 0xff, i >> 8) })),
        async (b) => {
          const m = list[b[0] | (b[1] << 8)];
          const ini = SecurityContext.initiate({
            target: Name.hostbased('gsstest@localhost'),
            credentials: w.alice,
          });
          const out = await SecurityContext.accept({ credentials: w.acceptor }).step(await ini.step());
          assert.ok(out);
          const apRep = decodeApRep(unwrapInitialContextToken(out, AP_REP));
          const plain = m.apply(decrypt(sessionKey, KU_AP_REP_ENC_PART, apRep.encPart.cipher));
          const encPart = { ...apRep.encPart, cipher: encrypt(sessionKey, KU_AP_REP_ENC_PART, plain) };
          return ini.step(wrapInitialContextToken(AP_REP, encodeApRep({ ...apRep, encPart })));
        },
        ESTABLISH,
      );
    });

    it("the KDC's handler on damaged TGS-REQ authenticators and PA-ENC-TS-ENC", () => {
      const kdc = startFuzzKdc();
      const tgs = decodeTgsReq(
        tgsReq({
          realm: KDC_REALM,
          tgt: kdc.tgt,
          sessionKey: kdc.tgtSessionKey,
          client: KDC_ALICE.client,
          service: ['gsstest', 'localhost'],
          subkey: randomKey(18),
        }),
      );
      const pa = tgs.padata?.[0];
      assert.ok(pa);
      const apReq = decodeApReq(pa.padataValue);
      const key = kdc.tgtSessionKey;
      const authPlain = decrypt(key, KU_TGS_REQ_AUTH, apReq.authenticator.cipher);
      fuzzSync(
        'TGS-REQ authenticator plaintext',
        sample(mutants(authPlain, 65), 2),
        (b) => {
          const authenticator = { ...apReq.authenticator, cipher: encrypt(key, KU_TGS_REQ_AUTH, b) };
          const padataValue = encodeApReq({ ...apReq, authenticator });
          kdc.handle(encodeTgsReq({ ...tgs, padata: [{ ...pa, padataValue }] }));
        },
        [],
      );
      // The TGT's EncTicketPart, damaged under the krbtgt key (what a forged or corrupted TGT holds).
      const tgtPlain = decrypt(kdc.krbtgtKey, KU_TICKET, kdc.tgt.encPart.cipher);
      fuzzSync(
        'TGT EncTicketPart plaintext',
        sample(mutants(tgtPlain, 67), 2),
        (b) => {
          const ticket = {
            ...kdc.tgt,
            encPart: { ...kdc.tgt.encPart, cipher: encrypt(kdc.krbtgtKey, KU_TICKET, b) },
          };
          const padataValue = encodeApReq({ ...apReq, ticket });
          kdc.handle(encodeTgsReq({ ...tgs, padata: [{ ...pa, padataValue }] }));
        },
        [],
      );
      const as = decodeAsReq(kdc.asReq);
      const ts = as.padata?.find((p) => p.padataType === 2);
      assert.ok(ts);
      const enc = decodePaEncTimestamp(ts.padataValue);
      const aliceKey = clientKey(KDC_ALICE, enc.etype);
      const tsPlain = decrypt(aliceKey, KU_PA_ENC_TIMESTAMP, enc.cipher);
      fuzzSync(
        'PA-ENC-TS-ENC plaintext',
        mutants(tsPlain, 66),
        (b) => {
          const padataValue = encodePaEncTimestamp({
            ...enc,
            cipher: encrypt(aliceKey, KU_PA_ENC_TIMESTAMP, b),
          });
          const padata = (as.padata ?? []).map((p) => (p.padataType === 2 ? { ...p, padataValue } : p));
          kdc.handle(encodeAsReq({ ...as, padata }));
        },
        [],
      );
      assert.deepEqual(kdc.unknown, []);
      // Regression: a subkey of an unknown enctype made the reply's encryption throw, which the
      // KDC answered as an internal error (UNKNOWN_REASON); now MIT's ENCODE_KDC_REP refusal.
      const oddSubkey = tgsReq({
        realm: KDC_REALM,
        tgt: kdc.tgt,
        sessionKey: kdc.tgtSessionKey,
        client: KDC_ALICE.client,
        service: ['gsstest', 'localhost'],
        subkey: { enctype: 82, keyvalue: new Uint8Array(32) },
      });
      const err = decodeKrbError(kdc.reply(oddSubkey) ?? new Uint8Array());
      assert.equal(err.errorCode, 60);
      assert.equal(err.eText, 'ENCODE_KDC_REP');
      assert.deepEqual(kdc.unknown, []);
    });

    it('the KDC client on damaged EncASRepParts', async () => {
      const net = networkTransport(w.settings);
      const client = parsePrincipal(`alice@${REALM}`);
      const list = mutators(200, 64, 240);
      await fuzzAsync(
        'EncASRepPart plaintext',
        list.map((m, i) => ({ what: m.what, bytes: Uint8Array.of(i & 0xff, i >> 8) })),
        (b) => {
          const m = list[b[0] | (b[1] << 8)];
          const transport: KdcTransport = async (realm, req) => {
            const reply = await net(realm, req);
            if (reply[0] !== 0x6b) return reply;
            const rep = decodeAsRep(reply);
            const key = stringToKey(rep.encPart.etype, ALICE_PASSWORD, `${REALM}alice`);
            const plain = m.apply(decrypt(key, KU_AS_REP_ENC_PART, rep.encPart.cipher));
            return encodeAsRep({
              ...rep,
              encPart: { ...rep.encPart, cipher: encrypt(key, KU_AS_REP_ENC_PART, plain) },
            });
          };
          return getInitialCredentials({ client, password: ALICE_PASSWORD, settings: w.settings, transport });
        },
        [S.GSS_S_FAILURE, S.GSS_S_DEFECTIVE_TOKEN, S.GSS_S_CREDENTIALS_EXPIRED, S.GSS_S_NO_CRED],
      );
    });
  });
}
