/**
 * The PAC on accepted contexts (`ctx.pac`), live: tickets from Samba's AD DC (full PAC: logon
 * info with SIDs and groups, UPN/DNS info) for SPNs on a user and a computer account, accepted
 * with keytabs from `samba-tool domain exportkeytab`; the KDC signature checked with the
 * exported krbtgt key; a ticket whose PAC was altered (re-encrypted with the service key, so only
 * the PAC signature can tell) refused with MIT's code; the PAC on the HTTP request object of
 * the node:http, Express and Fastify adapters; and MIT's KDC, whose PAC has no logon info.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { readTlv } from '../../src/asn1/index.js';
import { decrypt, encrypt } from '../../src/crypto/index.js';
import type { Key } from '../../src/crypto/key.js';
import { MINOR } from '../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import {
  TOK_ID_AP_REQ,
  unwrapInitialContextToken,
  wrapInitialContextToken,
} from '../../src/gssapi/token/framing.js';
import {
  type NegotiatedRequest,
  type NegotiateIdentity,
  negotiate,
  negotiateFetch,
  negotiateHook,
  withNegotiate,
} from '../../src/http/index.js';
import { KU_TICKET } from '../../src/krb5/constants/key-usages.js';
import { parseKeytab } from '../../src/krb5/keytab/format.js';
import {
  decodeAuthorizationData,
  encodeAuthorizationData,
  principal,
} from '../../src/krb5/messages/common.js';
import * as M from '../../src/krb5/messages/index.js';
import { findPac, verifyPac } from '../../src/krb5/pac/index.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';
import { AD_PASSWORDS, type SambaDomain, sambaSkip, startSambaDomain } from '../harness/samba.js';

function keytabKey(file: string, etype: number): Key {
  const e = parseKeytab(new Uint8Array(readFileSync(file))).entries.find((x) => x.key.enctype === etype);
  assert.ok(e, `${file} has no key of enctype ${etype}`);
  return e.key;
}

/** The AP-REQ token's ticket, decrypted with the service key from `keytab`. */
function openTicket(token: Uint8Array, keytab: string) {
  const apReq = M.decodeApReq(unwrapInitialContextToken(token, TOK_ID_AP_REQ));
  const key = keytabKey(keytab, apReq.ticket.encPart.etype);
  const part = M.decodeEncTicketPart(decrypt(key, KU_TICKET, apReq.ticket.encPart.cipher));
  return { apReq, key, part };
}

/** The same AP-REQ with `mutate` applied to the PAC inside its ticket, re-encrypted with the service key. */
function withAlteredPac(token: Uint8Array, keytab: string, mutate: (pac: Uint8Array) => void): Uint8Array {
  const { apReq, key, part } = openTicket(token, keytab);
  const authorizationData = (part.authorizationData ?? []).map((e) => {
    if (e.adType !== 1) return e;
    const inner = decodeAuthorizationData(readTlv(e.adData)).map((i) => {
      if (i.adType !== 128) return i;
      const pac = i.adData.slice();
      mutate(pac);
      return { adType: 128, adData: pac };
    });
    return { adType: 1, adData: encodeAuthorizationData(inner) };
  });
  const cipher = encrypt(key, KU_TICKET, M.encodeEncTicketPart({ ...part, authorizationData }));
  const ticket = { ...apReq.ticket, encPart: { ...apReq.ticket.encPart, cipher } };
  return wrapInitialContextToken(TOK_ID_AP_REQ, M.encodeApReq({ ...apReq, ticket }));
}

async function accept(token: Uint8Array, keytab: string) {
  const server = SecurityContext.accept({
    credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${keytab}` }),
  });
  await server.step(token);
  return server;
}

describe('PAC on accepted contexts: Samba AD DC', { skip: sambaSkip() }, () => {
  let ad: SambaDomain;
  let alice: Credentials;
  let krbtgtKeytab: string;
  let restoreEnv = () => {};
  const sidOf = (kind: 'user' | 'group', name: string) => {
    const m = /objectSid: (S-1-5-21-[0-9-]+)/.exec(ad.tool([kind, 'show', name]));
    assert.ok(m, `no objectSid for ${name}`);
    return m[1];
  };

  before(async () => {
    ad = await startSambaDomain();
    restoreEnv = preserveEnv();
    process.env.KRB5_CONFIG = ad.krb5Conf;
    delete process.env.KRB5_CLIENT_KTNAME;
    alice = await Credentials.acquire({
      usage: 'initiate',
      name: Name.principal('alice'),
      password: AD_PASSWORDS.alice,
    });
    krbtgtKeytab = `${ad.dir}/krbtgt.keytab`;
    ad.tool(['domain', 'exportkeytab', krbtgtKeytab, '--principal=krbtgt']);
  });
  after(async () => {
    await alice?.release();
    restoreEnv();
    await ad?.stop();
  });

  for (const which of ['web', 'ws1'] as const) {
    it(`ctx.pac for ${which === 'web' ? 'an SPN on a user account' : 'an SPN on a computer account'}: SIDs and groups as samba-tool shows them`, async () => {
      const client = SecurityContext.initiate({
        target: Name.principal(`${ad.spns[which]}@${ad.realm}`),
        credentials: alice,
        mutual: true,
      });
      const token = await client.step();
      assert.ok(token);
      const server = await accept(token, ad.keytabs[which]);
      const pac = server.pac;
      assert.ok(pac, 'AD tickets carry a PAC');
      const li = pac.logonInfo;
      assert.ok(li);
      assert.equal(li.effectiveName, 'alice');
      assert.equal(li.logonDomainId, ad.domainSid);
      assert.equal(li.userSid, sidOf('user', 'alice'));
      assert.equal(li.primaryGroupSid, `${ad.domainSid}-513`);
      const groups = li.groups.map((g) => g.sid);
      assert.ok(groups.includes(sidOf('group', 'webusers')), `webusers in ${groups.join(' ')}`);
      assert.ok(groups.includes(sidOf('group', 'Domain Users')));
      assert.equal(pac.upnDnsInfo?.upn, `alice@${ad.domain}`);
      assert.equal(pac.upnDnsInfo?.dnsDomainName, ad.realm);
      assert.equal(pac.upnDnsInfo?.sid, li.userSid);
      assert.equal(pac.clientName, 'alice');
      assert.equal(pac.kdcSignatureVerified, false, 'an acceptor has no krbtgt key');
    });
  }

  it('the KDC signature verifies with the krbtgt key samba-tool exports', async () => {
    const client = SecurityContext.initiate({
      target: Name.principal(`${ad.spns.web}@${ad.realm}`),
      credentials: alice,
    });
    const token = await client.step();
    assert.ok(token);
    const { key, part } = openTicket(token, ad.keytabs.web);
    const bytes = findPac(part.authorizationData);
    assert.ok(bytes);
    const krbtgt = parseKeytab(new Uint8Array(readFileSync(krbtgtKeytab))).entries[0].key;
    const p = verifyPac(bytes, {
      serverKey: key,
      kdcKey: krbtgt,
      client: principal(part.cname, part.crealm),
      authtime: part.authtime,
    });
    assert.equal(p.kdcSignatureVerified, true);
  });

  it("an altered PAC in a valid ticket refuses the context with MIT's KRB5KRB_AP_ERR_BAD_INTEGRITY", async () => {
    for (const at of ['logon info', 'signature'] as const) {
      const client = SecurityContext.initiate({
        target: Name.principal(`${ad.spns.web}@${ad.realm}`),
        credentials: alice,
      });
      const token = await client.step();
      assert.ok(token);
      const bad = withAlteredPac(token, ad.keytabs.web, (pac) => {
        // Buffer 0 is the logon info (Samba writes it first); its UserId moved by one, or a
        // signature byte flipped.
        const v = new DataView(pac.buffer, pac.byteOffset);
        const n = v.getUint32(0, true);
        for (let i = 0; i < n; i++) {
          const type = v.getUint32(8 + i * 16, true);
          const off = v.getUint32(8 + i * 16 + 8, true);
          if (at === 'logon info' && type === 1) pac[off + 100] ^= 1;
          if (at === 'signature' && type === 6) pac[off + 5] ^= 1;
        }
      });
      await assert.rejects(accept(bad, ad.keytabs.web), (e: unknown) => {
        assert.ok(e instanceof GssError);
        assert.equal(e.major, GSS_S_FAILURE);
        assert.equal(e.minor, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, `${at}: ${e.message}`);
        return true;
      });
    }
  });

  it('constrained delegation: websvc impersonates alice (S4U2Self) and reaches host/ws1 by S4U2Proxy; a service not allowed is refused', async () => {
    ad.tool(['delegation', 'for-any-protocol', 'websvc', 'on']);
    ad.tool(['delegation', 'add-service', 'websvc', ad.spns.ws1]);
    const websvc = await Credentials.acquire({
      usage: 'initiate',
      name: Name.principal('websvc'),
      password: AD_PASSWORDS.websvc,
    });
    const asAlice = await Credentials.impersonate(websvc, Name.principal('alice'));
    assert.equal(String(asAlice.name), `alice@${ad.realm}`);
    const client = SecurityContext.initiate({
      target: Name.principal(`${ad.spns.ws1}@${ad.realm}`),
      credentials: asAlice,
    });
    const token = await client.step();
    assert.ok(token);
    const server = await accept(token, ad.keytabs.ws1);
    assert.equal(String(server.initiatorName), `alice@${ad.realm}`);
    assert.equal(server.pac?.logonInfo?.effectiveName, 'alice');
    assert.equal(server.pac?.logonInfo?.userSid, sidOf('user', 'alice'));
    const refused = SecurityContext.initiate({
      target: Name.principal(`${ad.spns.rc4}@${ad.realm}`),
      credentials: asAlice,
    });
    await assert.rejects(refused.step(), (e: unknown) => {
      assert.ok(e instanceof GssError, String(e));
      assert.equal(e.major, GSS_S_FAILURE);
      assert.match(e.message, /constrained delegation \(S4U2Proxy\)|S4U2Proxy/);
      return true;
    });
    await asAlice.release();
    await websvc.release();
  });
  it('the PAC on the HTTP request (node:http, Express, Fastify), negotiateFetch holding a Samba ticket', async () => {
    const opts = { keytab: `FILE:${ad.keytabs.web}` };
    const answer = (id: NegotiateIdentity) =>
      JSON.stringify({
        principal: id.principal,
        userSid: id.pac?.logonInfo?.userSid,
        groups: id.pac?.logonInfo?.groups.map((g) => g.sid),
        upn: id.pac?.upnDnsInfo?.upn,
      });
    const plain = createServer(withNegotiate((req, res) => res.end(answer(req.negotiate)), opts));
    const app = express();
    app.use(negotiate(opts));
    app.get('/', (req, res) => {
      res.send(answer((req as unknown as NegotiatedRequest<object>).negotiate));
    });
    const viaExpress = createServer(app);
    const fastify = Fastify();
    fastify.addHook('onRequest', negotiateHook(opts));
    fastify.get('/', async (request) =>
      answer((request as unknown as { negotiate: NegotiateIdentity }).negotiate),
    );
    const ports: [string, number][] = [];
    for (const [name, s] of [
      ['node:http', plain],
      ['Express', viaExpress],
    ] as const) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      ports.push([name, (s.address() as AddressInfo).port]);
    }
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    ports.push(['Fastify', (fastify.server.address() as AddressInfo).port]);
    try {
      // The SPN is HTTP/web.<domain>: the URL names that host, the connection goes to 127.0.0.1.
      const toLoopback: typeof fetch = (url, init) =>
        fetch(String(url).replace(`//web.${ad.domain}:`, '//127.0.0.1:'), init);
      for (const [name, port] of ports) {
        const res = await negotiateFetch(
          `http://web.${ad.domain}:${port}/`,
          {},
          { credentials: alice, fetch: toLoopback },
        );
        assert.equal(res.status, 200, name);
        const got = (await res.json()) as {
          principal: string;
          userSid: string;
          groups: string[];
          upn: string;
        };
        assert.equal(got.principal, `alice@${ad.realm}`, name);
        assert.equal(got.userSid, sidOf('user', 'alice'), name);
        assert.ok(got.groups.includes(sidOf('group', 'webusers')), `${name}: ${got.groups.join(' ')}`);
        assert.equal(got.upn, `alice@${ad.domain}`, name);
      }
    } finally {
      await fastify.close();
      for (const s of [plain, viaExpress]) await new Promise((r) => s.close(r));
    }
  });
});

describe('PAC on accepted contexts: MIT KDC', { skip: interopSkip() }, () => {
  let realm: Realm;
  let restoreEnv = () => {};
  before(async () => {
    realm = await startRealm();
    restoreEnv = preserveEnv();
    process.env.KRB5_CONFIG = realm.krb5Conf;
    process.env.KRB5CCNAME = realm.aliceCcache;
  });
  after(async () => {
    restoreEnv();
    await realm?.stop();
  });

  it('MIT 1.20 issues a PAC without logon info: verified, client info only', async () => {
    const creds = await Credentials.acquire({ usage: 'initiate' });
    const client = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: creds,
    });
    const token = await client.step();
    assert.ok(token);
    const server = await accept(token, realm.keytabs.gsstest);
    const pac = server.pac;
    assert.ok(pac, "MIT's KDC adds a PAC to service tickets");
    assert.equal(pac.logonInfo, undefined);
    assert.equal(pac.upnDnsInfo, undefined);
    assert.equal(pac.clientName, 'alice');
    assert.ok(pac.buffers.has(6) && pac.buffers.has(7) && pac.buffers.has(10));
    const bad = withAlteredPac(token, realm.keytabs.gsstest, (p) => {
      p[p.length - 1] ^= 1;
    });
    await assert.rejects(
      accept(bad, realm.keytabs.gsstest),
      (e: unknown) => e instanceof GssError && e.major === GSS_S_FAILURE,
    );
  });
});
