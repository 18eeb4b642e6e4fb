/**
 * SPNEGO (RFC 4178) against MIT krb5 1.20: python3-gssapi with the SPNEGO mech in both roles,
 * the mechListMIC cases (peer omits it on the optimistic path; MIT as acceptor answers
 * request-mic when Kerberos is not our first choice and sends its MIC, which we verify, and it
 * verifies ours; MIT's SPNEGO initiator offers only Kerberos here, since IAKERB is not a default
 * SPNEGO mechanism, so the request-mic path of our acceptor is covered against our initiator), Microsoft's OID echoed by both, an NTLM-only
 * offer refused by both with BAD_MECH, delegation; then MIT's gss-client -spnego against our
 * `gss server`, and our `gss client --spnego` against MIT's gss-server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GSS_S_BAD_MECH } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import {
  ACCEPT_COMPLETED,
  decodeNegotiationToken,
  encodeMechTypes,
  encodeNegTokenInit,
  type NegTokenResp,
  REQUEST_MIC,
} from '../../src/gssapi/mech/spnego/negotiation-token.js';
import { MS_KRB5_OID_BYTES } from '../../src/gssapi/mech/spnego/oids.js';
import { Name } from '../../src/gssapi/names/names.js';
import { KRB5_MECH_OID_BYTES, oidToBytes } from '../../src/gssapi/token/oid.js';
import { callServer } from '../../src/sample/client.js';
import { type SampleServer, startSampleServer } from '../../src/sample/server.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { startMitGssServer } from '../harness/gss-server.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type MitPeer, startMitPeer } from './context-peer.js';

const KRB5 = '1.2.840.113554.1.2.2';
const NTLM = '1.3.6.1.4.1.311.2.2.10';

function resp(hex: unknown): NegTokenResp {
  const t = decodeNegotiationToken(fromHex(String(hex)));
  assert.equal(t.kind, 'resp');
  return t as NegTokenResp;
}

describe('SPNEGO with MIT krb5 (python3-gssapi)', { skip: interopSkip() }, () => {
  let realm: Realm;
  let peer: MitPeer;
  let restoreEnv = () => {};

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    peer = startMitPeer(realm.env);
  });
  after(async () => {
    await peer?.close();
    restoreEnv();
    await realm?.stop();
  });

  /** Runs our initiator against the MIT acceptor to the end; returns every token MIT sent. */
  async function oursToMit(ini: SecurityContext): Promise<NegTokenResp[]> {
    await peer.ok({ op: 'accept' });
    const seen: NegTokenResp[] = [];
    let out = await ini.step();
    for (let i = 0; out !== undefined && i < 4; i++) {
      const a = await peer.ok({ op: 'step', token: toHex(out) });
      if (a.token === null) break;
      seen.push(resp(a.token));
      out = await ini.step(fromHex(String(a.token)));
    }
    assert.ok(ini.isEstablished, 'our initiator established');
    assert.equal((await peer.ok({ op: 'inquire' })).established, true, 'MIT acceptor established');
    return seen;
  }

  /** Runs MIT's SPNEGO initiator against ours; returns every token we sent. */
  async function mitToOurs(
    acc: SecurityContext,
    init: Record<string, unknown> = {},
  ): Promise<NegTokenResp[]> {
    const seen: NegTokenResp[] = [];
    let a = await peer.ok({
      op: 'init',
      target: 'gsstest@localhost',
      mech: 'spnego',
      flags: ['mutual'],
      ...init,
    });
    for (let i = 0; a.token && i < 4; i++) {
      const reply = await acc.step(fromHex(String(a.token)));
      if (reply === undefined) break;
      seen.push(decodeNegotiationToken(reply) as NegTokenResp);
      a = await peer.ok({ op: 'step', token: toHex(reply) });
    }
    assert.ok(acc.isEstablished, 'our acceptor established');
    assert.equal((await peer.ok({ op: 'inquire' })).established, true, 'MIT initiator established');
    return seen;
  }

  it('ours → MIT: optimistic krb5, accept-completed with the AP-REP, MIT sends no MIC', async () => {
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mech: 'spnego' });
    const seen = await oursToMit(ini);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].negState, ACCEPT_COMPLETED);
    assert.deepEqual(seen[0].supportedMech, KRB5_MECH_OID_BYTES);
    assert.equal(seen[0].mechListMIC, undefined);
    const w = await peer.ok({ op: 'wrap', msg: toHex(utf8('from MIT')) });
    assert.deepEqual(ini.unwrap(fromHex(String(w.token))).message, utf8('from MIT'));
    const u = await peer.ok({ op: 'unwrap', token: toHex(ini.wrap(utf8('from us'))) });
    assert.equal(u.msg, toHex(utf8('from us')));
  });

  it('ours → MIT with the Microsoft OID first: MIT echoes it too', async () => {
    const ini = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      mech: 'spnego',
      spnegoMechs: ['1.2.840.48018.1.2.2', KRB5],
    });
    const seen = await oursToMit(ini);
    assert.deepEqual(seen[0].supportedMech, MS_KRB5_OID_BYTES);
  });

  for (const mutual of [true, false]) {
    it(`ours → MIT, krb5 second (${mutual ? 'mutual' : 'no mutual'}): MIT asks request-mic and sends its MIC`, async () => {
      const ini = SecurityContext.initiate({
        target: Name.hostbased('gsstest@localhost'),
        mech: 'spnego',
        mutual,
        spnegoMechs: [NTLM, KRB5],
      });
      const seen = await oursToMit(ini);
      assert.equal(seen[0].negState, REQUEST_MIC);
      assert.ok(
        seen.some((s) => s.mechListMIC),
        'MIT sent a mechListMIC that we verified',
      );
    });
  }

  it('MIT → ours: optimistic krb5, one round trip, we send no MIC', async () => {
    const acc = SecurityContext.accept();
    const seen = await mitToOurs(acc);
    assert.equal(seen.length, 1);
    assert.equal(seen[0].negState, ACCEPT_COMPLETED);
    assert.equal(seen[0].mechListMIC, undefined);
    assert.equal(String(acc.initiatorName), `alice@${realm.realm}`);
  });

  it('MIT → ours with delegation: the delegated TGT is usable', async () => {
    const acc = SecurityContext.accept();
    await mitToOurs(acc, { flags: ['mutual', 'deleg'] });
    const deleg = acc.delegatedCredentials;
    assert.ok(deleg);
    const again = SecurityContext.initiate({ target: Name.hostbased('host@localhost'), credentials: deleg });
    assert.ok(await again.step());
  });

  it('an NTLM-only offer: MIT and we both refuse it with GSS_S_BAD_MECH', async () => {
    const ntlmOnly = encodeNegTokenInit({
      mechTypesDer: encodeMechTypes([oidToBytes(NTLM)]),
      mechToken: utf8('NTLMSSP\0\x01\0\0\0'),
    });
    await peer.ok({ op: 'accept' });
    const mit = await peer.call({ op: 'step', token: toHex(ntlmOnly) });
    assert.equal(mit.error?.major, GSS_S_BAD_MECH);
    const acc = SecurityContext.accept({ credentials: await Credentials.acquire({ usage: 'accept' }) });
    await assert.rejects(acc.step(ntlmOnly), (e: { major: number }) => e.major === GSS_S_BAD_MECH);
  });
});

describe('SPNEGO with MIT gss-sample', { skip: interopSkip() }, () => {
  let realm: Realm;
  let server: SampleServer;
  const log: string[] = [];
  const savedEnv = { ...process.env };
  before(async () => {
    realm = await startRealm();
    process.env = { ...realm.env };
    server = await startSampleServer({
      service: 'gsstest@localhost',
      keytab: realm.keytabs.gsstest,
      log: (l) => log.push(l),
      stdout: () => {},
    });
  });
  after(async () => {
    await server?.close();
    process.env = savedEnv;
    await realm?.stop();
  });

  for (const extra of [[], ['-d'], ['-nomutual'], ['-seq']]) {
    it(`MIT gss-client -spnego ${extra.join(' ')} against gss server`, async () => {
      const r = await realm.exec(MIT_BIN.gssClient, [
        '-port',
        String(server.port),
        '-spnego',
        ...extra,
        'localhost',
        'gsstest@localhost',
        'hello over SPNEGO',
      ]);
      assert.equal(r.code, 0, `gss-client: ${r.stdout}\n${r.stderr}\nserver log:\n${log.join('\n')}`);
      assert.match(r.stdout, /Signature verified/);
    });
  }

  it('gss client --spnego against MIT gss-server', async () => {
    const mit = await startMitGssServer(realm);
    try {
      const lines: string[] = [];
      const result = await callServer({
        host: '127.0.0.1',
        port: mit.port,
        service: 'gsstest@localhost',
        message: 'hello MIT over SPNEGO',
        spnego: true,
        delegate: true,
        verbose: true,
        log: (l) => lines.push(l),
      });
      assert.equal(result.micsVerified, 1, lines.join('\n'));
      await mit.idle();
      // In -inetd mode gss-server logs the flags and the message (the delegation went through).
      assert.match(mit.log(), /GSS_C_DELEG_FLAG/);
      assert.match(mit.log(), /Received message: "hello MIT over SPNEGO"/);
    } finally {
      await mit.stop();
    }
  });
});
