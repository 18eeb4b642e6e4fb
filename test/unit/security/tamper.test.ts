/**
 * Tampering with integrity-protected structures the other suites leave out (docs/security.md
 * lists what covers what): every bit of the ticket's and the authenticator's ciphertext in an
 * AP-REQ, every bit of a TGS-REP's and an AS-REP's encrypted part, every bit of a KRB-CRED's
 * encrypted part, and every bit of the AP-REP's. Each is refused with KRB5KRB_AP_ERR_BAD_INTEGRITY.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomKey } from '../../../src/crypto/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError, majorName } from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { makeKrbCred, readKrbCred } from '../../../src/gssapi/mech/krb5/establish/krb-cred.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { unwrapInitialContextToken, wrapInitialContextToken } from '../../../src/gssapi/token/framing.js';
import { parseCcache } from '../../../src/krb5/ccache/format.js';
import { NT_SRV_INST } from '../../../src/krb5/constants/index.js';
import { getInitialCredentials } from '../../../src/krb5/kdc-client/as.js';
import { tgsExchange } from '../../../src/krb5/kdc-client/tgs.js';
import { type KdcTransport, networkTransport } from '../../../src/krb5/kdc-client/transport.js';
import { decodeApRep, decodeApReq, encodeApRep, encodeApReq } from '../../../src/krb5/messages/ap.js';
import { decodeAsRep, decodeTgsRep, encodeAsRep, encodeTgsRep } from '../../../src/krb5/messages/kdc-rep.js';
import { decodeKrbCred, encodeKrbCred } from '../../../src/krb5/messages/krb-cred.js';
import { parsePrincipal } from '../../../src/krb5/principal.js';
import { flip } from './fuzz-lib.js';
import { ALICE_PASSWORD, REALM, type SecurityWorld, startSecurityWorld } from './world.js';

const AP_REQ = 0x0100;
const AP_REP = 0x0200;
const BAD_INTEGRITY = MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY;

/** Every bit index of a ciphertext, or a spread of `max` of them for long ones. */
function bits(length: number, max = 1024): number[] {
  const n = length * 8;
  const step = Math.max(1, Math.floor(n / max));
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}

function expectIntegrity(e: unknown, what: string, majors: readonly number[]): void {
  assert.ok(e instanceof GssError, `${what}: ${String(e)}`);
  assert.equal(e.minor, BAD_INTEGRITY, `${what}: ${e.message}`);
  assert.ok(majors.includes(e.major), `${what}: major ${majorName(e.major)}`);
}

describe('tampered integrity-protected structures are refused', () => {
  let w: SecurityWorld;
  before(async () => {
    w = await startSecurityWorld();
  });
  after(async () => {
    await w?.stop();
  });

  it('AP-REQ: every bit of the ticket and of the authenticator ciphertext (acceptor: FAILURE/BAD_INTEGRITY)', async () => {
    const { apReqToken } = await w.establish();
    const apReq = decodeApReq(unwrapInitialContextToken(apReqToken, AP_REQ));
    const ticketCipher = apReq.ticket.encPart.cipher;
    const authCipher = apReq.authenticator.cipher;
    for (const [part, cipher] of [
      ['ticket', ticketCipher],
      ['authenticator', authCipher],
    ] as const) {
      for (const b of bits(cipher.length, 512)) {
        const bad = flip(cipher, b);
        const changed =
          part === 'ticket'
            ? { ...apReq, ticket: { ...apReq.ticket, encPart: { ...apReq.ticket.encPart, cipher: bad } } }
            : { ...apReq, authenticator: { ...apReq.authenticator, cipher: bad } };
        const token = wrapInitialContextToken(AP_REQ, encodeApReq(changed));
        const acc = SecurityContext.accept({ credentials: w.acceptor });
        await assert.rejects(acc.step(token), (e: unknown) => {
          // MIT's accept_sec_context: krb5_rd_req failures are GSS_S_FAILURE with the krb5 code.
          expectIntegrity(e, `${part} bit ${b}`, [GSS_S_FAILURE]);
          return true;
        });
      }
    }
  });

  it('AP-REP: every bit of the encrypted part (initiator: FAILURE/BAD_INTEGRITY)', async () => {
    for (const b of bits(60 * 8, 96)) {
      const ini = SecurityContext.initiate({
        target: Name.hostbased('gsstest@localhost'),
        credentials: w.alice,
      });
      const acc = SecurityContext.accept({ credentials: w.acceptor });
      const out = await acc.step(await ini.step());
      assert.ok(out);
      const apRep = decodeApRep(unwrapInitialContextToken(out, AP_REP));
      const bit = b % (apRep.encPart.cipher.length * 8);
      const bad = { ...apRep, encPart: { ...apRep.encPart, cipher: flip(apRep.encPart.cipher, bit) } };
      await assert.rejects(ini.step(wrapInitialContextToken(AP_REP, encodeApRep(bad))), (e: unknown) => {
        expectIntegrity(e, `AP-REP bit ${bit}`, [GSS_S_FAILURE]);
        return true;
      });
    }
  });

  it("KDC replies: every bit of an AS-REP's and a TGS-REP's encrypted part", async () => {
    const net = networkTransport(w.settings);
    const client = parsePrincipal(`alice@${REALM}`);
    const flipEncPart =
      (bit: number): KdcTransport =>
      async (realm, req) => {
        const reply = await net(realm, req);
        if (reply[0] === 0x6b) {
          const rep = decodeAsRep(reply);
          const cipher = flip(rep.encPart.cipher, bit % (rep.encPart.cipher.length * 8));
          return encodeAsRep({ ...rep, encPart: { ...rep.encPart, cipher } });
        }
        if (reply[0] === 0x6d) {
          const rep = decodeTgsRep(reply);
          const cipher = flip(rep.encPart.cipher, bit % (rep.encPart.cipher.length * 8));
          return encodeTgsRep({ ...rep, encPart: { ...rep.encPart, cipher } });
        }
        return reply;
      };
    for (const b of bits(300, 48)) {
      await assert.rejects(
        getInitialCredentials({
          client,
          password: ALICE_PASSWORD,
          settings: w.settings,
          transport: flipEncPart(b),
        }),
        (e: unknown) => {
          expectIntegrity(e, `AS-REP bit ${b}`, [GSS_S_FAILURE, 0xb0000 /* CREDENTIALS_EXPIRED */, 0x70000]);
          return true;
        },
      );
    }
    const tgt = (await getInitialCredentials({ client, password: ALICE_PASSWORD, settings: w.settings }))
      .credential;
    const server = { nameType: NT_SRV_INST, components: ['gsstest', 'localhost'], realm: REALM };
    for (const b of bits(300, 200)) {
      await assert.rejects(
        tgsExchange({ tgt, server, settings: w.settings, transport: flipEncPart(b) }),
        (e: unknown) => {
          assert.ok(e instanceof GssError, String(e));
          assert.equal(e.minor, BAD_INTEGRITY, `TGS-REP bit ${b}: ${e.message}`);
          return true;
        },
      );
    }
  });

  it('KRB-CRED: every bit of the encrypted part (GSS_S_FAILURE, never an accepted credential)', () => {
    const cc = parseCcache(new Uint8Array(readFileSync(join('test', 'fixtures', 'files', 'alice.ccache'))));
    const cred = cc.credentials.find((c) => c.server.components[0] === 'krbtgt');
    assert.ok(cred);
    const key = randomKey(18);
    const krbCred = decodeKrbCred(makeKrbCred(cred, key, 1, Date.now()));
    assert.equal(readKrbCred(encodeKrbCred(krbCred), [key]).length, 1);
    for (const b of bits(krbCred.encPart.cipher.length)) {
      const bad = { ...krbCred, encPart: { ...krbCred.encPart, cipher: flip(krbCred.encPart.cipher, b) } };
      // MIT's acceptor: decryption fails under every key, then the ciphertext is read as a plain
      // EncKrbCredPart (RFC 6448) and that decode fails: GSS_S_FAILURE with an ASN.1 code.
      assert.throws(
        () => readKrbCred(encodeKrbCred(bad), [key]),
        (e: unknown) => e instanceof GssError && e.major === GSS_S_FAILURE,
        `bit ${b}`,
      );
    }
  });
});
