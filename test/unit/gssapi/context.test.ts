/**
 * Our initiator against our acceptor, with the embedded KDC (no MIT needed): establishment with
 * and without mutual authentication, credentials from a password and from a client keytab,
 * delegation, the AP-REP and KRB-ERROR paths of the initiator, replay and misuse.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { getContextState } from '../../../src/gssapi/context/context-internal.js';
import { Credentials } from '../../../src/gssapi/creds/creds.js';
import {
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_PROT_READY_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
} from '../../../src/gssapi/flags.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { utf8 } from '../../../src/util/bytes.js';
import { setClockOffset } from '../../../src/util/clock.js';

const REALM = 'UNIT.GSS';
const ENV_KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME'] as const;

describe('SecurityContext, our initiator with our acceptor (embedded KDC)', () => {
  let kdc: Kdc;
  let dir: string;
  let alice: Credentials;
  let acceptor: Credentials;
  const kdcLog: string[] = [];
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-ctx-'));
    kdc = await startKdc({
      realm: REALM,
      principals: [
        { name: 'alice', password: 'alice-pw-1' },
        { name: 'gsstest/localhost' },
        { name: 'host/localhost' },
      ],
      log: (l) => kdcLog.push(l),
    });
    kdc.writeKrb5Conf(join(dir, 'krb5.conf'));
    await kdc.exportKeytab(['gsstest/localhost'], join(dir, 'gsstest.keytab'));
    await kdc.exportKeytab(['host/localhost'], join(dir, 'host.keytab'));
    await kdc.exportKeytab(['alice'], join(dir, 'alice.keytab'));
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
    process.env.KRB5CCNAME = `FILE:${join(dir, 'none.ccache')}`;
    process.env.KRB5_KTNAME = `FILE:${join(dir, 'gsstest.keytab')}`;
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

  async function establish(
    opts: { mutual?: boolean; sequence?: boolean; delegate?: boolean; credentials?: Credentials } = {},
  ): Promise<{ ini: SecurityContext; acc: SecurityContext }> {
    const ini = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: opts.credentials ?? alice,
      mutual: opts.mutual,
      sequence: opts.sequence,
      delegate: opts.delegate,
    });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const t1 = await ini.step();
    assert.ok(t1);
    const t2 = await acc.step(t1);
    if (opts.mutual === false) {
      assert.equal(t2, undefined);
    } else {
      assert.ok(t2);
      assert.equal(ini.isEstablished, false);
      assert.equal(await ini.step(t2), undefined);
    }
    assert.ok(ini.isEstablished && acc.isEstablished);
    return { ini, acc };
  }

  it('credentials: names, usage, lifetime', () => {
    assert.equal(String(alice.name), `alice@${REALM}`);
    assert.equal(alice.usage, 'initiate');
    assert.ok(alice.lifetime > 3600);
    assert.equal(acceptor.usage, 'accept');
    assert.equal(acceptor.name, undefined);
    assert.equal(acceptor.lifetime, 0xffffffff);
  });

  it('mutual: flags, keys, sequence numbers and names agree on both sides', async () => {
    const { ini, acc } = await establish({ sequence: true });
    const i = getContextState(ini)!;
    const a = getContextState(acc)!;
    const want =
      GSS_C_MUTUAL_FLAG |
      GSS_C_REPLAY_FLAG |
      GSS_C_SEQUENCE_FLAG |
      GSS_C_CONF_FLAG |
      GSS_C_INTEG_FLAG |
      GSS_C_TRANS_FLAG;
    assert.equal(ini.flags, want);
    assert.equal(acc.flags, want | GSS_C_PROT_READY_FLAG);
    assert.deepEqual(i.sessionKey, a.sessionKey);
    assert.deepEqual(i.subkey, a.subkey);
    assert.ok(i.acceptorSubkey && a.acceptorSubkey);
    assert.deepEqual(i.acceptorSubkey, a.acceptorSubkey);
    assert.equal(i.sendSeq, a.recv.base);
    assert.equal(a.sendSeq, i.recv.base);
    assert.ok(i.sendSeq > 0n && i.sendSeq < 0x40000000n, 'MIT: 30-bit initial sequence number');
    assert.equal(String(acc.initiatorName), `alice@${REALM}`);
    assert.equal(String(ini.acceptorName), `gsstest/localhost@${REALM}`);
    assert.equal(String(acc.acceptorName), `gsstest/localhost@${REALM}`);
    assert.equal(ini.locallyInitiated, true);
    assert.equal(acc.locallyInitiated, false);
    assert.ok(acc.lifetime > ini.lifetime, 'the acceptor adds the clock skew');
    const w = ini.wrap(utf8('hello'));
    assert.deepEqual(acc.unwrap(w).message, utf8('hello'));
    assert.equal(ini.verifyMic(utf8('x'), acc.getMic(utf8('x'))), 0);
  });

  it('no mutual: one token, PROT_READY, both sides start at the initiator’s sequence number', async () => {
    const { ini, acc } = await establish({ mutual: false });
    assert.equal(ini.flags & GSS_C_PROT_READY_FLAG, GSS_C_PROT_READY_FLAG);
    assert.equal(acc.flags & (GSS_C_PROT_READY_FLAG | GSS_C_MUTUAL_FLAG), 0);
    const i = getContextState(ini)!;
    const a = getContextState(acc)!;
    assert.equal(i.acceptorSubkey, undefined);
    assert.equal(a.sendSeq, i.sendSeq);
    assert.deepEqual(ini.unwrap(acc.wrap(utf8('back'))).message, utf8('back'));
  });

  it('an expired context: lifetime 0, contextTime CONTEXT_EXPIRED, per-message calls still work (MIT)', async () => {
    const { ini, acc } = await establish();
    setClockOffset(2 * 86400 * 1000);
    try {
      assert.equal(ini.lifetime, 0);
      assert.equal(acc.lifetime, 0);
      for (const ctx of [ini, acc]) {
        assert.throws(
          () => ctx.contextTime(),
          (e: GssError) => e.code === 'GSS_S_CONTEXT_EXPIRED',
        );
      }
      // MIT 1.20's wrap/unwrap/get_mic/verify_mic do not look at the end time.
      assert.deepEqual(acc.unwrap(ini.wrap(utf8('late'))).message, utf8('late'));
      assert.equal(ini.verifyMic(utf8('m'), acc.getMic(utf8('m'))), 0);
    } finally {
      setClockOffset(0);
    }
  });

  it('the service ticket is cached in the ccache (a second context asks no KDC)', async () => {
    await establish();
    const n = kdcLog.length;
    await establish();
    assert.equal(kdcLog.length, n);
  });

  it('delegation: the acceptor gets alice’s TGT, usable for another service and storable', async () => {
    const { acc } = await establish({ delegate: true });
    assert.equal(acc.flags & GSS_C_DELEG_FLAG, GSS_C_DELEG_FLAG);
    const d = acc.delegatedCredentials;
    assert.ok(d);
    assert.equal(String(d.name), `alice@${REALM}`);
    const ccache = `FILE:${join(dir, 'deleg.ccache')}`;
    await d.storeInto(ccache);
    const stored = await Credentials.acquire({ usage: 'initiate', ccache });
    assert.equal(String(stored.name), `alice@${REALM}`);
    // gss_release_cred: the private cache is gone and the handle is unusable.
    await d.release();
    assert.throws(
      () => d.name,
      (e: GssError) => e.code === 'GSS_S_NO_CRED',
    );
    const ini = SecurityContext.initiate({ target: Name.hostbased('host@localhost'), credentials: d });
    await assert.rejects(ini.step(), (e: GssError) => e.code === 'GSS_S_NO_CRED');
  });

  it('a replayed AP-REQ is KRB5KRB_AP_ERR_REPEAT, and the KRB-ERROR token fails the initiator with it', async () => {
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), credentials: alice });
    const t1 = (await ini.step())!;
    await SecurityContext.accept({ credentials: acceptor }).step(t1);
    const again = SecurityContext.accept({ credentials: acceptor });
    await assert.rejects(again.step(t1), (e: GssError) => e.minor === MINOR.KRB5KRB_AP_ERR_REPEAT);
    const errTok = again.errorToken;
    assert.ok(errTok);
    await assert.rejects(
      ini.step(errTok),
      (e: GssError) => e.code === 'GSS_S_FAILURE' && e.minor === MINOR.KRB5KRB_AP_ERR_REPEAT,
    );
    // mutual_auth deleted the context
    assert.throws(
      () => ini.flags,
      (e: GssError) => e.code === 'GSS_S_NO_CONTEXT',
    );
  });

  it('a tampered AP-REP fails the initiator (GSS_S_FAILURE) and kills the context', async () => {
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), credentials: alice });
    const acc = SecurityContext.accept({ credentials: acceptor });
    const rep = (await acc.step((await ini.step())!))!.slice();
    rep[rep.length - 3] ^= 1;
    await assert.rejects(ini.step(rep), (e: GssError) => e.code === 'GSS_S_FAILURE');
    await assert.rejects(ini.step(rep), (e: GssError) => e.code === 'GSS_S_NO_CONTEXT');
  });

  it('every truncation and byte flip of an AP-REP (and a KRB-ERROR) throws only GssError at the initiator', async () => {
    const ini0 = SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: alice,
    });
    const rep = (await SecurityContext.accept({ credentials: acceptor }).step((await ini0.step())!))!;
    const again = SecurityContext.accept({ credentials: acceptor });
    const t = (await SecurityContext.initiate({
      target: Name.hostbased('gsstest@localhost'),
      credentials: alice,
    }).step())!;
    await SecurityContext.accept({ credentials: acceptor }).step(t);
    await again.step(t).catch(() => undefined);
    const errTok = again.errorToken!;
    for (const token of [rep, errTok]) {
      const variants: Uint8Array[] = [];
      for (let i = 0; i < token.length; i++) variants.push(token.subarray(0, i));
      for (let i = 0; i < token.length; i++) {
        const c = token.slice();
        c[i] ^= 0x80;
        variants.push(c);
      }
      for (const v of variants) {
        const ini = SecurityContext.initiate({
          target: Name.hostbased('gsstest@localhost'),
          credentials: alice,
        });
        await ini.step();
        await assert.rejects(ini.step(v), GssError);
      }
    }
  });

  it('an AP-REQ sent back to the initiator is DEFECTIVE_TOKEN; steps after establishment fail', async () => {
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), credentials: alice });
    const t1 = (await ini.step())!;
    await assert.rejects(ini.step(t1), (e: GssError) => e.code === 'GSS_S_DEFECTIVE_TOKEN');
    const { ini: done } = await establish();
    await assert.rejects(
      done.step(new Uint8Array(1)),
      (e: GssError) => e.minor === MINOR.KG_CONTEXT_ESTABLISHED,
    );
  });

  it('per-message calls before establishment are NO_CONTEXT (KG_CTX_INCOMPLETE)', async () => {
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), credentials: alice });
    await ini.step();
    assert.throws(
      () => ini.wrap(utf8('x')),
      (e: GssError) => e.code === 'GSS_S_NO_CONTEXT' && e.minor === MINOR.KG_CTX_INCOMPLETE,
    );
    assert.equal(ini.isOpen, false);
    assert.equal(ini.flags & GSS_C_MUTUAL_FLAG, GSS_C_MUTUAL_FLAG);
  });

  it('a ticket for a service the acceptor has no key for is KRB5KRB_AP_ERR_NOT_US', async () => {
    const ini = SecurityContext.initiate({ target: Name.hostbased('host@localhost'), credentials: alice });
    const acc = SecurityContext.accept({ credentials: acceptor });
    await assert.rejects(
      acc.step((await ini.step())!),
      (e: GssError) => e.minor === MINOR.KRB5KRB_AP_ERR_NOT_US,
    );
  });

  it('acceptor credentials for a named service: the keytab must hold it (KG_KEYTAB_NOMATCH)', async () => {
    const named = await Credentials.acquire({ usage: 'accept', name: Name.hostbased('gsstest@localhost') });
    assert.equal(String(named.name), `gsstest/localhost@${REALM}`);
    await assert.rejects(
      Credentials.acquire({ usage: 'accept', name: Name.hostbased('host@localhost') }),
      (e: GssError) => e.code === 'GSS_S_NO_CRED' && e.minor === MINOR.KG_KEYTAB_NOMATCH,
    );
    // A named acceptor refuses a ticket for another principal of the same keytab.
    const both = join(dir, 'both.keytab');
    await kdc.exportKeytab(['gsstest/localhost', 'host/localhost'], both);
    const onlyGsstest = await Credentials.acquire({
      usage: 'accept',
      keytab: `FILE:${both}`,
      name: Name.hostbased('gsstest@localhost'),
    });
    const ini = SecurityContext.initiate({ target: Name.hostbased('host@localhost'), credentials: alice });
    const acc = SecurityContext.accept({ credentials: onlyGsstest });
    await assert.rejects(
      acc.step((await ini.step())!),
      (e: GssError) => e.minor === MINOR.KRB5KRB_AP_ERR_NOT_US,
    );
  });

  it('initiator credentials: no ccache is NO_CRED, a client keytab gives a TGT on demand', async () => {
    await assert.rejects(
      Credentials.acquire({ usage: 'initiate' }),
      (e: GssError) => e.code === 'GSS_S_NO_CRED' && e.minor === MINOR.KRB5_CC_NOTFOUND,
    );
    const kt = await Credentials.acquire({
      usage: 'initiate',
      ccache: `MEMORY:client-kt-${process.pid}`,
      clientKeytab: `FILE:${join(dir, 'alice.keytab')}`,
    });
    assert.equal(String(kt.name), `alice@${REALM}`);
    await establish({ credentials: kt });
  });
});
