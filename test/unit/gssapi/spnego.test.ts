/**
 * SPNEGO (RFC 4178) with our initiator and our acceptor over the embedded KDC: the optimistic
 * exchange (one round trip, no mechListMIC), Microsoft's OID echoed, the counter-proposal with
 * request-mic and the MIC exchange both ways, non-mutual, delegation, tokens that must be refused
 * (NTLM-only, tampered MIC, garbage), and the wire bytes of the well-known constant tokens.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import {
  GSS_S_BAD_MECH,
  GSS_S_BAD_SIG,
  GSS_S_DEFECTIVE_TOKEN,
  GssError,
} from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { importSecContext } from '../../../src/gssapi/context/export.js';
import { Credentials } from '../../../src/gssapi/creds/creds.js';
import {
  ACCEPT_COMPLETED,
  ACCEPT_INCOMPLETE,
  decodeNegotiationToken,
  encodeMechTypes,
  encodeNegTokenInit,
  encodeNegTokenResp,
  type NegTokenResp,
  REJECT,
  REQUEST_MIC,
} from '../../../src/gssapi/mech/spnego/negotiation-token.js';
import { MS_KRB5_OID_BYTES } from '../../../src/gssapi/mech/spnego/oids.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { KRB5_MECH_OID_BYTES, oidToBytes } from '../../../src/gssapi/token/oid.js';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { utf8 } from '../../../src/util/bytes.js';

const toBase64Like = (b: Uint8Array): string => Buffer.from(b).toString('base64');

const REALM = 'SPNEGO.GSS';
const NTLM = '1.3.6.1.4.1.311.2.2.10';
const ENV_KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME'] as const;

function resp(token: Uint8Array | undefined): NegTokenResp {
  assert.ok(token);
  const t = decodeNegotiationToken(token);
  assert.equal(t.kind, 'resp');
  return t as NegTokenResp;
}

describe('SPNEGO, our initiator with our acceptor (embedded KDC)', () => {
  let kdc: Kdc;
  let dir: string;
  let alice: Credentials;
  let acceptor: Credentials;
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-spnego-'));
    kdc = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: 'alice-pw-1' }, { name: 'HTTP/localhost' }],
    });
    kdc.writeKrb5Conf(join(dir, 'krb5.conf'));
    await kdc.exportKeytab(['HTTP/localhost'], join(dir, 'http.keytab'));
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
    process.env.KRB5CCNAME = `FILE:${join(dir, 'none.ccache')}`;
    process.env.KRB5_KTNAME = `FILE:${join(dir, 'http.keytab')}`;
    process.env.KRB5_CLIENT_KTNAME = `FILE:${join(dir, 'no-client.keytab')}`;
    alice = await Credentials.acquire({
      usage: 'initiate',
      name: Name.user('alice'),
      password: 'alice-pw-1',
    });
    acceptor = await Credentials.acquire({ usage: 'accept' });
  });
  after(async () => {
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = () => Name.hostbased('HTTP@localhost');

  it('optimistic krb5: one round trip, accept-completed with the AP-REP, no mechListMIC', async () => {
    const ini = SecurityContext.initiate({ target: target(), credentials: alice, mech: 'spnego' });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const t1 = await ini.step();
    assert.ok(t1);
    const init = decodeNegotiationToken(t1);
    assert.equal(init.kind, 'init');
    if (init.kind !== 'init') return;
    assert.deepEqual(init.mechTypes, [KRB5_MECH_OID_BYTES]);
    assert.ok(init.mechToken && init.mechToken[0] === 0x60);
    const t2 = await acc.step(t1);
    const r = resp(t2);
    assert.equal(r.negState, ACCEPT_COMPLETED);
    assert.deepEqual(r.supportedMech, KRB5_MECH_OID_BYTES);
    assert.ok(r.responseToken);
    assert.equal(r.mechListMIC, undefined, 'no unsolicited acceptor MIC (Windows drops the session)');
    assert.ok(acc.isEstablished);
    assert.equal(await ini.step(t2), undefined);
    assert.ok(ini.isEstablished);
    assert.equal(String(acc.initiatorName), `alice@${REALM}`);
    // The established context is its krb5 context.
    const w = ini.wrap(utf8('over spnego'));
    assert.deepEqual(acc.unwrap(w).message, utf8('over spnego'));
    assert.equal(ini.verifyMic(utf8('m'), acc.getMic(utf8('m'))), 0);
  });

  it('Microsoft OID first: supportedMech echoes it, still one round trip', async () => {
    const ini = SecurityContext.initiate({
      target: target(),
      credentials: alice,
      mech: 'spnego',
      spnegoMechs: ['1.2.840.48018.1.2.2', '1.2.840.113554.1.2.2', NTLM],
    });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const t2 = await acc.step((await ini.step()) as Uint8Array);
    const r = resp(t2);
    assert.deepEqual(r.supportedMech, MS_KRB5_OID_BYTES);
    assert.equal(r.negState, ACCEPT_COMPLETED);
    await ini.step(t2);
    assert.ok(ini.isEstablished && acc.isEstablished);
  });

  for (const mutual of [true, false]) {
    it(`krb5 not first (${mutual ? 'mutual' : 'no mutual'}): request-mic, then MICs both ways`, async () => {
      const ini = SecurityContext.initiate({
        target: target(),
        credentials: alice,
        mech: 'spnego',
        mutual,
        spnegoMechs: [NTLM, '1.2.840.113554.1.2.2'],
      });
      const acc = SecurityContext.accept({ credentials: acceptor });
      const t1 = (await ini.step()) as Uint8Array;
      const i1 = decodeNegotiationToken(t1);
      assert.equal(i1.kind === 'init' && i1.mechToken, undefined, 'no optimistic token for a mech we lack');
      const r1 = resp(await acc.step(t1));
      assert.equal(r1.negState, REQUEST_MIC);
      assert.deepEqual(r1.supportedMech, KRB5_MECH_OID_BYTES);
      assert.equal(r1.responseToken, undefined);
      let toAcc = await ini.step(encodeNegTokenResp(r1 as Required<NegTokenResp>));
      let legs = 0;
      while (toAcc !== undefined && legs++ < 4) {
        const back = await acc.step(toAcc);
        if (back === undefined) break;
        const rb = resp(back);
        if (rb.negState === ACCEPT_COMPLETED || rb.negState === ACCEPT_INCOMPLETE) assert.ok(rb.mechListMIC);
        toAcc = await ini.step(back);
      }
      assert.ok(ini.isEstablished, 'initiator established');
      assert.ok(acc.isEstablished, 'acceptor established');
      assert.deepEqual(acc.unwrap(ini.wrap(utf8('x'))).message, utf8('x'));
    });
  }

  it('an NTLM-only NegTokenInit is GSS_S_BAD_MECH with a reject token and a clear message', async () => {
    const acc = SecurityContext.accept({ credentials: acceptor });
    const ntlmOnly = encodeNegTokenInit({
      mechTypesDer: encodeMechTypes([oidToBytes(NTLM)]),
      mechToken: utf8('NTLMSSP\0\x01\0\0\0'),
    });
    await assert.rejects(acc.step(ntlmOnly), (e: GssError) => {
      assert.equal(e.major, GSS_S_BAD_MECH);
      assert.equal(e.minor, MINOR.ERR_SPNEGO_NEGOTIATION_FAILED);
      assert.match(e.message, /NTLMSSP/);
      return true;
    });
    // gokrb5's and Windows' well-known reject token: oQcwBaADCgEC.
    assert.equal(toBase64Like(acc.errorToken as Uint8Array), 'oQcwBaADCgEC');
    assert.equal(resp(acc.errorToken).negState, REJECT);
  });

  it('a tampered acceptor MIC fails the initiator with BAD_SIG', async () => {
    const ini = SecurityContext.initiate({
      target: target(),
      credentials: alice,
      mech: 'spnego',
      spnegoMechs: [NTLM, '1.2.840.113554.1.2.2'],
    });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const r1 = await acc.step((await ini.step()) as Uint8Array);
    const t3 = (await ini.step(r1)) as Uint8Array;
    const r2 = resp(await acc.step(t3));
    assert.ok(r2.mechListMIC);
    const mic = r2.mechListMIC.slice();
    mic[mic.length - 1] ^= 1;
    const bad = encodeNegTokenResp({
      negState: r2.negState ?? 1,
      responseToken: r2.responseToken,
      mechListMIC: mic,
    });
    await assert.rejects(ini.step(bad), (e: GssError) => e.major === GSS_S_BAD_SIG);
  });

  it('the acceptor refuses a missing MIC when one is required', async () => {
    const ini = SecurityContext.initiate({
      target: target(),
      credentials: alice,
      mech: 'spnego',
      mutual: false,
      spnegoMechs: [NTLM, '1.2.840.113554.1.2.2'],
    });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const r1 = await acc.step((await ini.step()) as Uint8Array);
    const t3 = resp(await ini.step(r1));
    assert.ok(t3.responseToken && t3.mechListMIC);
    const stripped = encodeNegTokenResp({ negState: ACCEPT_INCOMPLETE, responseToken: t3.responseToken });
    await assert.rejects(acc.step(stripped), (e: GssError) => e.major === GSS_S_DEFECTIVE_TOKEN);
    assert.equal(resp(acc.errorToken).negState, REJECT);
  });

  it('raw krb5 still works on the same default acceptor', async () => {
    const ini = SecurityContext.initiate({ target: target(), credentials: alice });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const t2 = await acc.step((await ini.step()) as Uint8Array);
    assert.ok(t2 && t2[0] === 0x60, 'a raw AP-REP, not a NegTokenResp');
    await ini.step(t2);
    assert.ok(ini.isEstablished);
  });

  it('delegation over SPNEGO, and export/import of the established context', async () => {
    const ini = SecurityContext.initiate({
      target: target(),
      credentials: alice,
      mech: 'spnego',
      delegate: true,
    });
    const acc = SecurityContext.accept({ credentials: acceptor });
    await ini.step(await acc.step((await ini.step()) as Uint8Array));
    assert.ok(acc.delegatedCredentials);
    assert.equal(String(acc.delegatedCredentials.name), `alice@${REALM}`);
    const again = importSecContext(acc.export());
    assert.deepEqual(again.unwrap(ini.wrap(utf8('after import'))).message, utf8('after import'));
  });

  it('garbage and misplaced tokens are DEFECTIVE_TOKEN, never another error', async () => {
    for (const bad of [
      Uint8Array.of(0x60, 0x08, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02),
      encodeNegTokenResp({ negState: ACCEPT_COMPLETED }),
    ]) {
      const acc = SecurityContext.accept({ credentials: acceptor });
      await assert.rejects(
        acc.step(bad),
        (e: unknown) => e instanceof GssError && e.major === GSS_S_DEFECTIVE_TOKEN,
      );
    }
  });

  it('the constant tokens of the wild decode as their names say', () => {
    const ac = resp(Uint8Array.from(Buffer.from('oRQwEqADCgEAoQsGCSqGSIb3EgECAg==', 'base64')));
    assert.equal(ac.negState, ACCEPT_COMPLETED);
    assert.deepEqual(ac.supportedMech, KRB5_MECH_OID_BYTES);
    const ai = resp(Uint8Array.from(Buffer.from('oRQwEqADCgEBoQsGCSqGSIb3EgECAg==', 'base64')));
    assert.equal(ai.negState, ACCEPT_INCOMPLETE);
    assert.equal(
      toBase64Like(encodeNegTokenResp({ negState: ACCEPT_COMPLETED, supportedMech: KRB5_MECH_OID_BYTES })),
      'oRQwEqADCgEAoQsGCSqGSIb3EgECAg==',
    );
  });
});
