/**
 * The acceptor speaks first (MS-SPNG NegTokenInit2 with negHints, for SMB/LDAP-style protocols),
 * live against MIT krb5 1.20 through python3-gssapi: our acceptor's first token for an empty
 * input is byte for byte MIT's (acc_ctx_hints); MIT's SPNEGO initiator, handed it as its first
 * input, answers with its NegTokenInit and establishes with us; and our initiator, handed MIT's
 * NegTokenInit2, does the same with MIT's acceptor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { decodeNegotiationToken, type NegTokenInit } from '../../src/gssapi/mech/spnego/negotiation-token.js';
import { Name } from '../../src/gssapi/names/names.js';
import { KRB5_MECH_OID_BYTES } from '../../src/gssapi/token/oid.js';
import { fromHex, toHex, utf8 } from '../../src/util/bytes.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type MitPeer, startMitPeer } from './context-peer.js';

describe('SPNEGO NegTokenInit2 (the acceptor speaks first) with MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  let peer: MitPeer;
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    peer = startMitPeer(realm.env);
  });
  after(async () => {
    await peer?.close();
    restoreEnv?.();
    await realm?.stop();
  });

  it("our acceptor's first token is MIT's, byte for byte", async () => {
    const ours = await SecurityContext.accept().step();
    assert.ok(ours);
    await peer.ok({ op: 'accept' });
    const mit = await peer.ok({ op: 'step', token: '' });
    assert.equal(toHex(ours), mit.token);
    const t = decodeNegotiationToken(ours) as NegTokenInit;
    assert.equal(t.kind, 'init');
    assert.deepEqual(t.mechTypes, [KRB5_MECH_OID_BYTES]);
    assert.equal(t.mechToken, undefined);
    assert.match(Buffer.from(ours).toString('latin1'), /not_defined_in_RFC4178@please_ignore/);
  });

  for (const mutual of [true, false]) {
    it(`MIT's initiator takes our NegTokenInit2 first, then establishes with us (${mutual ? 'mutual' : 'no mutual'})`, async () => {
      const acc = SecurityContext.accept();
      const hints = await acc.step();
      let a = await peer.ok({
        op: 'init',
        target: 'gsstest@localhost',
        mech: 'spnego',
        flags: mutual ? ['mutual'] : [],
        input: toHex(hints as Uint8Array),
      });
      assert.equal((decodeNegotiationToken(fromHex(String(a.token))) as NegTokenInit).kind, 'init');
      for (let i = 0; a.token && i < 4; i++) {
        const reply = await acc.step(fromHex(String(a.token)));
        if (reply === undefined) break;
        a = await peer.ok({ op: 'step', token: toHex(reply) });
      }
      assert.ok(acc.isEstablished);
      assert.equal((await peer.ok({ op: 'inquire' })).established, true);
      assert.equal(String(acc.initiatorName), `alice@${realm.realm}`);
      const w = await peer.ok({ op: 'wrap', msg: toHex(utf8('after the hints')) });
      assert.deepEqual(acc.unwrap(fromHex(String(w.token))).message, utf8('after the hints'));
    });
  }

  it("our initiator takes MIT's NegTokenInit2 first, then establishes with MIT", async () => {
    await peer.ok({ op: 'accept' });
    const hints = fromHex(String((await peer.ok({ op: 'step', token: '' })).token));
    const ini = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mech: 'spnego' });
    let out = await ini.step(hints);
    for (let i = 0; out !== undefined && i < 4; i++) {
      const a = await peer.ok({ op: 'step', token: toHex(out) });
      if (!a.token) break;
      out = await ini.step(fromHex(String(a.token)));
    }
    assert.ok(ini.isEstablished);
    assert.equal((await peer.ok({ op: 'inquire' })).established, true);
    const u = await peer.ok({ op: 'unwrap', token: toHex(ini.wrap(utf8('from us'))) });
    assert.equal(u.msg, toHex(utf8('from us')));
    // Anything but a NegTokenInit as the first input is refused, not ignored.
    const resp = fromHex('a1143012a0030a0100a10b06092a864886f712010202');
    const other = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mech: 'spnego' });
    await assert.rejects(
      other.step(resp),
      (e: unknown) => e instanceof GssError && e.major === GSS_S_DEFECTIVE_TOKEN,
    );
  });
});
