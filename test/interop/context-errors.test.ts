/**
 * Failing context establishment gives the major and minor codes MIT krb5 1.20 gives: each bad
 * AP-REQ is fed to MIT's acceptor (python3-gssapi) and to ours, and the codes are compared.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
import { decodeApReq, encodeApReq } from '../../src/krb5/messages/ap.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { setClockOffset } from '../../src/util/clock.js';
import { AES_ENCTYPES, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type MitPeer, startMitPeer } from './context-peer.js';

interface Outcome {
  major: number;
  minor: number;
}

describe('context establishment failures, as MIT', { skip: interopSkip() }, () => {
  let realm: Realm;
  let initiator: MitPeer;
  let restoreEnv = () => {};

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    initiator = startMitPeer(realm.env);
  });
  after(async () => {
    await initiator?.close();
    restoreEnv();
    setClockOffset(0);
    await realm?.stop();
  });

  /** A fresh AP-REQ from MIT's initiator for `target`. */
  async function mitApReq(target = 'gsstest@localhost', flags = ['mutual']): Promise<Uint8Array> {
    const a = await initiator.ok({ op: 'init', target, flags });
    return fromHex(String(a.token));
  }

  async function mitAccept(
    token: Uint8Array,
    keytab = realm.keytabs.gsstest,
    env: NodeJS.ProcessEnv = {},
  ): Promise<Outcome> {
    const p = startMitPeer({ ...realm.env, KRB5_KTNAME: `FILE:${keytab}`, ...env });
    try {
      await p.ok({ op: 'accept' });
      const r = await p.call({ op: 'step', token: toHex(token) });
      assert.ok(r.error, 'MIT accepted the token');
      return { major: r.error.major, minor: r.error.minor };
    } finally {
      await p.close();
    }
  }

  async function ourAccept(
    token: Uint8Array,
    keytab = realm.keytabs.gsstest,
  ): Promise<Outcome & { ctx: SecurityContext }> {
    const ctx = SecurityContext.accept({
      credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${keytab}` }),
    });
    try {
      await ctx.step(token);
    } catch (e) {
      assert.ok(e instanceof GssError, String(e));
      return { major: e.major, minor: e.minor, ctx };
    }
    assert.fail('our acceptor accepted the token');
  }

  /** Feeds one token to each (a copy each, so neither sees the other's replay cache). */
  async function compare(
    token: Uint8Array,
    expectedMinor: number,
    keytab?: string,
  ): Promise<SecurityContext> {
    const mit = await mitAccept(token, keytab);
    const ours = await ourAccept(token.slice(), keytab);
    assert.deepEqual({ major: ours.major, minor: ours.minor }, mit);
    assert.equal(ours.minor, expectedMinor);
    return ours.ctx;
  }

  function ktutil(path: string, kvno: number, password: string): void {
    const cmds = AES_ENCTYPES.map(
      (e) => `addent -password -p gsstest/localhost@${realm.realm} -k ${kvno} -e ${e}\n${password}\n`,
    ).join('');
    realm.run(MIT_BIN.ktutil, [], { input: `${cmds}wkt ${path}\nquit\n` });
  }

  it('a replayed AP-REQ is KRB5KRB_AP_ERR_REPEAT, with a KRB-ERROR token MIT reads', async () => {
    const token = await mitApReq();
    const mitPeer = startMitPeer({ ...realm.env });
    try {
      await mitPeer.ok({ op: 'accept' });
      await mitPeer.ok({ op: 'step', token: toHex(token) });
    } finally {
      await mitPeer.close();
    }
    const mit = await mitAccept(token);
    const first = SecurityContext.accept({});
    assert.ok(await first.step(token.slice()));
    const replay = await ourAccept(token.slice());
    assert.deepEqual({ major: replay.major, minor: replay.minor }, mit);
    assert.equal(replay.minor, MINOR.KRB5KRB_AP_ERR_REPEAT);
    // The error token goes back to MIT's initiator, which reports the same code.
    const errTok = replay.ctx.errorToken;
    assert.ok(errTok);
    assert.deepEqual(unwrapHeader(errTok), [0x03, 0x00]);
    await initiator.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] });
    const seen = await initiator.call({ op: 'step', token: toHex(errTok) });
    assert.equal(seen.error?.minor, MINOR.KRB5KRB_AP_ERR_REPEAT);
  });

  it('a ticket for another service is KRB5KRB_AP_ERR_NOT_US', async () => {
    await compare(await mitApReq('HTTP@localhost'), MINOR.KRB5KRB_AP_ERR_NOT_US);
  });

  it('a kvno missing from the keytab is KRB5KRB_AP_ERR_BADKEYVER', async () => {
    const kt = join(realm.dir, 'kvno7.keytab');
    ktutil(kt, 7, 'some-other-password');
    await compare(await mitApReq(), MINOR.KRB5KRB_AP_ERR_BADKEYVER, kt);
  });

  it('a wrong key with the right kvno is KRB5KRB_AP_ERR_BAD_INTEGRITY', async () => {
    const kvno = /vno (\d+)/.exec(realm.kadmin('getprinc gsstest/localhost'))?.[1] ?? '1';
    const kt = join(realm.dir, 'wrongkey.keytab');
    ktutil(kt, Number(kvno), 'not-the-key');
    await compare(await mitApReq(), MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, kt);
  });

  it('a tampered authenticator or ticket is KRB5KRB_AP_ERR_BAD_INTEGRITY', async () => {
    for (const part of ['authenticator', 'ticket'] as const) {
      const apReq = decodeApReq(unwrapInitialContextToken(await mitApReq(), TOK_ID_AP_REQ));
      const flip = (c: Uint8Array) => {
        const x = c.slice();
        x[x.length - 5] ^= 1;
        return x;
      };
      const bad =
        part === 'authenticator'
          ? { ...apReq, authenticator: { ...apReq.authenticator, cipher: flip(apReq.authenticator.cipher) } }
          : {
              ...apReq,
              ticket: {
                ...apReq.ticket,
                encPart: { ...apReq.ticket.encPart, cipher: flip(apReq.ticket.encPart.cipher) },
              },
            };
      await compare(
        wrapInitialContextToken(TOK_ID_AP_REQ, encodeApReq(bad)),
        MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
      );
    }
  });

  it('clock skew: an authenticator ten minutes old is KRB5KRB_AP_ERR_SKEW', async () => {
    setClockOffset(-600_000);
    let token: Uint8Array;
    try {
      token = (await SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost') }).step())!;
    } finally {
      setClockOffset(0);
    }
    await compare(token, MINOR.KRB5KRB_AP_ERR_SKEW);
  });

  it('an expired ticket is KRB5KRB_AP_ERR_TKT_EXPIRED', async () => {
    // A 2-second TGT, clockskew 1: after 4 s the service ticket is past its end plus the skew.
    const cc = `FILE:${join(realm.dir, 'short.ccache')}`;
    const env = { ...realm.env, KRB5CCNAME: cc };
    realm.run(MIT_BIN.kinit, ['-l', '2s', 'alice'], { input: `${realm.alicePassword}\n`, env });
    const shortPeer = startMitPeer(env);
    let token: Uint8Array;
    try {
      token = fromHex(
        String((await shortPeer.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] })).token),
      );
    } finally {
      await shortPeer.close();
    }
    await new Promise((r) => setTimeout(r, 4000));
    const conf = join(realm.dir, 'krb5-skew1.conf');
    writeFileSync(conf, `[libdefaults]\n  clockskew = 1\n`);
    const confs = `${conf}:${realm.krb5Conf}`;
    const mit = await mitAccept(token, realm.keytabs.gsstest, { KRB5_CONFIG: confs });
    process.env.KRB5_CONFIG = confs;
    try {
      const ours = await ourAccept(token.slice());
      assert.deepEqual({ major: ours.major, minor: ours.minor }, mit);
      assert.equal(ours.minor, MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED);
    } finally {
      process.env.KRB5_CONFIG = realm.env.KRB5_CONFIG;
    }
  });

  it('initiator with an expired TGT and no cached ticket: GSS_S_FAILURE with the KDC’s TKT_EXPIRED, as MIT', async () => {
    const cc = `FILE:${join(realm.dir, 'expired-tgt.ccache')}`;
    const env = { ...realm.env, KRB5CCNAME: cc };
    realm.run(MIT_BIN.kinit, ['-l', '2s', 'alice'], { input: `${realm.alicePassword}\n`, env });
    await new Promise((r) => setTimeout(r, 3000));
    const p = startMitPeer(env);
    let mit: Outcome;
    try {
      const r = await p.call({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] });
      assert.ok(r.error);
      mit = { major: r.error.major, minor: r.error.minor };
    } finally {
      await p.close();
    }
    process.env.KRB5CCNAME = cc;
    try {
      const ctx = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost') });
      await assert.rejects(ctx.step(), (e: GssError) => {
        assert.deepEqual({ major: e.major, minor: e.minor }, mit);
        return e.minor === MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED;
      });
    } finally {
      process.env.KRB5CCNAME = realm.env.KRB5CCNAME;
    }
  });

  it('an AP-REQ without mutual authentication fails without an error token (MIT sends none)', async () => {
    const r = await ourAccept(await mitApReq('HTTP@localhost', ['replay']));
    assert.equal(r.major, GSS_S_FAILURE);
    assert.equal(r.ctx.errorToken, undefined);
  });

  it('every truncation and many corruptions of an AP-REQ token throw only GssError', async () => {
    const token = await mitApReq();
    // Truncated to nothing, the token is an empty input: the acceptor speaks first with SPNEGO's
    // NegTokenInit2, as MIT's default acceptor does (docs/spnego.md), and is not established.
    const empty = SecurityContext.accept({});
    assert.ok((await empty.step(token.subarray(0, 0))) !== undefined && !empty.isEstablished);
    for (let i = 1; i < token.length; i++) {
      const ctx = SecurityContext.accept({});
      await assert.rejects(ctx.step(token.subarray(0, i)), GssError, `truncated at ${i}`);
    }
    for (let i = 0; i < token.length; i += 3) {
      const c = token.slice();
      c[i] ^= 0x41;
      const ctx = SecurityContext.accept({});
      try {
        await ctx.step(c);
      } catch (e) {
        assert.ok(e instanceof GssError, `flip at ${i}: ${String(e)}`);
      }
    }
  });
});

function unwrapHeader(token: Uint8Array): number[] {
  // 0x60 len 0x06 0x09 <9-byte OID> then TOK_ID
  const lenBytes = token[1] & 0x80 ? 1 + (token[1] & 0x7f) : 1;
  const off = 1 + lenBytes + 2 + token[2 + lenBytes];
  return [token[off], token[off + 1]];
}
