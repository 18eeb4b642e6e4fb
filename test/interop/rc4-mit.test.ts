/**
 * arcfour-hmac (RFC 4757) end to end against MIT krb5 1.20 (allow_rc4 = true): a realm whose
 * every key is RC4, so the AS exchange (usage 3 sent as 8), the TGS exchange, the keytab, the
 * tickets and the session keys are all RC4; contexts both ways with python3-gssapi (MIT's
 * libgssapi_krb5), whose tokens are then RFC 4757 section 7 ones (TOK_ID 01 01 / 02 01),
 * wrapped, unwrapped and MIC'd both ways. Without allow_rc4 the same ticket is refused with an
 * error naming the setting. RC4 needs OpenSSL's legacy provider: the tests run in a child
 * started with --openssl-legacy-provider (test/harness/legacy-provider.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { importSecContext } from '../../src/gssapi/context/export.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { legacyProviderLoaded, runWithLegacyProvider } from '../harness/legacy-provider.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type MitPeer, startMitPeer } from './context-peer.js';

/**
 * MIT 1.21 (and Debian's 1.20 security update) assumes every service has AES and issues AES
 * session keys unless the client asks for RC4 only: so both request lists name only RC4.
 */
const RC4_ON = [
  'allow_rc4 = true',
  'default_tkt_enctypes = arcfour-hmac',
  'default_tgs_enctypes = arcfour-hmac',
];

if (!legacyProviderLoaded()) {
  describe('arcfour-hmac against MIT krb5', { skip: interopSkip() }, () => {
    it('passes under --openssl-legacy-provider (child process)', () => {
      const r = runWithLegacyProvider(import.meta.url);
      assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
      assert.ok(r.pass >= 5 && r.fail === 0 && r.skipped === 0, r.stdout);
    });
  });
} else {
  describe('arcfour-hmac against MIT krb5 (child with the legacy provider)', { skip: interopSkip() }, () => {
    let realm: Realm;
    let peer: MitPeer;
    let restoreEnv: (() => void) | undefined;

    before(async () => {
      realm = await startRealm({ enctypes: ['arcfour-hmac'], libdefaults: RC4_ON });
      restoreEnv = adoptRealmEnv(realm.env);
      peer = startMitPeer(realm.env);
    });
    after(async () => {
      await peer?.close();
      restoreEnv?.();
      await realm?.stop();
    });

    it("MIT's kinit under allow_rc4 gets an RC4 TGT (session key and ticket)", async () => {
      const out = realm.run(MIT_BIN.klist, ['-e']);
      assert.match(out, /krbtgt\/TEST\.GSS@TEST\.GSS/);
      assert.match(out, /Etype \(skey, tkt\): DEPRECATED:arcfour-hmac, DEPRECATED:arcfour-hmac/);
    });

    it('our AS and TGS exchanges with RC4 keys, then our initiator to MIT: tokens both ways', async () => {
      const creds = await Credentials.acquire({
        usage: 'initiate',
        name: Name.principal('alice'),
        password: realm.alicePassword,
      });
      await peer.ok({ op: 'accept' });
      const ctx = SecurityContext.initiate({
        target: Name.hostbased('gsstest@localhost'),
        credentials: creds,
        mutual: true,
        sequence: true,
        confidentiality: true,
      });
      const r = await peer.ok({ op: 'step', token: toHex((await ctx.step())!) });
      assert.equal(r.complete, true);
      assert.equal(await ctx.step(fromHex(String(r.token))), undefined);
      assert.ok(ctx.isEstablished);
      for (const conf of [true, false]) {
        const ours = ctx.wrap(utf8('to MIT over RC4'), { confidential: conf });
        // RFC 2743 framing, then TOK_ID 02 01, SGN_ALG 11 00, SEAL_ALG 10 00 or ff ff (RFC 4757 7.3).
        assert.equal(toHex(ours.subarray(13, 19)), conf ? '020111001000' : '02011100ffff');
        const u = await peer.ok({ op: 'unwrap', token: toHex(ours) });
        assert.equal(Buffer.from(String(u.msg), 'hex').toString(), 'to MIT over RC4');
        assert.equal(u.conf, conf);
        const theirs = await peer.ok({ op: 'wrap', msg: toHex(utf8('from MIT')), conf });
        const back = ctx.unwrap(fromHex(String(theirs.token)));
        assert.equal(new TextDecoder().decode(back.message), 'from MIT');
        assert.equal(back.confidential, conf);
        assert.equal(back.supplementary, 0);
      }
      const mic = ctx.getMic(utf8('signed'));
      assert.equal(toHex(mic.subarray(13, 19)), '01011100ffff');
      await peer.ok({ op: 'verifymic', msg: toHex(utf8('signed')), mic: toHex(mic) });
      const theirMic = await peer.ok({ op: 'getmic', msg: toHex(utf8('theirs')) });
      assert.equal(ctx.verifyMic(utf8('theirs'), fromHex(String(theirMic.token))), 0);
      // Our AS and TGS exchanges got RC4 session keys and tickets: MIT's klist reads our cache.
      const cache = `FILE:${realm.dir}/ours-rc4.ccache`;
      await creds.storeInto(cache);
      const listed = realm.run(MIT_BIN.klist, ['-e', '-c', cache]);
      const rc4Pair = /Etype \(skey, tkt\): DEPRECATED:arcfour-hmac, DEPRECATED:arcfour-hmac/;
      for (const service of ['krbtgt/TEST.GSS@TEST.GSS', 'gsstest/localhost@TEST.GSS']) {
        const at = listed.indexOf(service);
        assert.ok(at >= 0, listed);
        assert.match(listed.slice(at).split('\n')[1], rc4Pair);
      }
      await creds.release();
    });

    it("MIT's initiator (RC4 ticket from MIT's kvno path) to our acceptor with the RC4 keytab", async () => {
      const server = SecurityContext.accept({
        credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` }),
      });
      const i = await peer.ok({
        op: 'init',
        target: 'gsstest@localhost',
        flags: ['mutual', 'sequence', 'conf', 'integ'],
      });
      const reply = await server.step(fromHex(String(i.token)));
      assert.ok(reply, 'an AP-REP');
      const done = await peer.ok({ op: 'step', token: toHex(reply) });
      assert.equal(done.complete, true);
      assert.equal(String(server.initiatorName), 'alice@TEST.GSS');
      const theirs = await peer.ok({ op: 'wrap', msg: toHex(utf8('MIT to us')), conf: true });
      assert.equal(
        new TextDecoder().decode(server.unwrap(fromHex(String(theirs.token))).message),
        'MIT to us',
      );
      const ours = server.wrap(utf8('us to MIT'), { confidential: true });
      const u = await peer.ok({ op: 'unwrap', token: toHex(ours) });
      assert.equal(Buffer.from(String(u.msg), 'hex').toString(), 'us to MIT');
      const mic = server.getMic(utf8('acceptor MIC'));
      await peer.ok({ op: 'verifymic', msg: toHex(utf8('acceptor MIC')), mic: toHex(mic) });
      // A tampered token from MIT is refused.
      const t = fromHex(String((await peer.ok({ op: 'wrap', msg: toHex(utf8('x')), conf: true })).token));
      t[t.length - 2] ^= 1;
      assert.throws(() => server.unwrap(t), GssError);
    });

    it('the exported and imported RC4 context carries on', async () => {
      const server = SecurityContext.accept({
        credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` }),
      });
      const i = await peer.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual', 'sequence'] });
      await peer.ok({ op: 'step', token: toHex((await server.step(fromHex(String(i.token))))!) });
      const key = crypto.getRandomValues(new Uint8Array(32));
      const again = importSecContext(server.export({ key }), { key });
      const theirs = await peer.ok({ op: 'wrap', msg: toHex(utf8('after import')), conf: true });
      assert.equal(
        new TextDecoder().decode(again.unwrap(fromHex(String(theirs.token))).message),
        'after import',
      );
      const u = await peer.ok({
        op: 'unwrap',
        token: toHex(again.wrap(utf8('imported'), { confidential: true })),
      });
      assert.equal(Buffer.from(String(u.msg), 'hex').toString(), 'imported');
    });

    it('without allow_rc4 the RC4 ticket is refused, naming the setting', async () => {
      realm.writeKrb5Conf([]);
      try {
        const server = SecurityContext.accept({
          credentials: await Credentials.acquire({
            usage: 'accept',
            keytab: `FILE:${realm.keytabs.gsstest}`,
          }),
        });
        const i = await peer.ok({ op: 'init', target: 'gsstest@localhost', flags: ['mutual'] });
        await assert.rejects(server.step(fromHex(String(i.token))), (e: unknown) => {
          assert.ok(e instanceof GssError);
          assert.equal(e.minor, MINOR.KRB5_NOPERM_ETYPE);
          assert.match(e.message, /arcfour-hmac \(RC4\).*allow_rc4 = true/);
          return true;
        });
        await assert.rejects(
          Credentials.acquire({
            usage: 'initiate',
            name: Name.principal('alice'),
            password: realm.alicePassword,
          }),
          GssError,
        );
      } finally {
        realm.writeKrb5Conf(RC4_ON);
      }
    });
  });
}
