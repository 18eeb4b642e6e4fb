/**
 * The SASL GSSAPI engines against each other (RFC 4752 3.1): layer negotiation, maximum buffer
 * sizes, the authorization identity, the protected stream, and the refusals.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import type { SecurityLayer } from '../../../src/sasl/index.js';
import { type ExportWorld, startExportWorld } from '../export-kdc.js';
import { makePair, runAll, runUntilLast } from './world.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function gss(code: string, re?: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof GssError && e.code === code && (!re || re.test(e.message));
}

describe('SASL GSSAPI engines', () => {
  let w: ExportWorld;
  before(async () => {
    w = await startExportWorld();
  });
  after(async () => {
    await w?.stop();
  });

  for (const layer of ['none', 'integrity', 'confidentiality'] as SecurityLayer[]) {
    it(`negotiates ${layer} when the client allows only it, and protects both directions`, async () => {
      const p = makePair(w.alice, w.acceptor, { layers: [layer] });
      await runAll(p);
      assert.ok(p.client.isComplete && p.server.isComplete);
      for (const o of [p.client.outcome, p.server.outcome]) {
        assert.equal(o.layer, layer);
        assert.equal(o.authenticationId, `alice@${w.realm}`);
        assert.equal(o.authorizationId, '');
        assert.equal(o.securityLayer === undefined, layer === 'none');
      }
      const cl = p.client.outcome.securityLayer;
      const sl = p.server.outcome.securityLayer;
      if (!cl || !sl) return;
      const up = sl.decode(cl.encode(enc.encode('to the server')));
      assert.deepEqual(
        up.map((b) => dec.decode(b)),
        ['to the server'],
      );
      const down = cl.decode(sl.encode(enc.encode('to the client')));
      assert.deepEqual(
        down.map((b) => dec.decode(b)),
        ['to the client'],
      );
    });
  }

  it('picks the strongest layer both sides allow', async () => {
    const p = makePair(w.alice, w.acceptor, {}, { layers: ['none', 'integrity'] });
    await runAll(p);
    assert.equal(p.server.outcome.layer, 'integrity');
  });

  it("splits to the peer's maximum buffer and reassembles across arbitrary reads", async () => {
    const p = makePair(w.alice, w.acceptor, { maxBufferSize: 200 }, { maxBufferSize: 100 });
    await runAll(p);
    const cl = p.client.outcome.securityLayer;
    const sl = p.server.outcome.securityLayer;
    assert.ok(cl && sl);
    assert.equal(cl.maxSendSize, 100);
    assert.equal(sl.maxSendSize, 200);
    const data = new Uint8Array(1000).map((_, i) => i & 0xff);
    const wire = cl.encode(data);
    const got: Uint8Array[] = [];
    let frames = 0;
    for (let off = 0; off < wire.length; frames++) {
      const len = new DataView(wire.buffer, wire.byteOffset + off).getUint32(0);
      assert.ok(len <= 100, `frame ${frames} is ${len} octets`);
      off += 4 + len;
    }
    assert.ok(frames >= 10);
    for (let off = 0; off < wire.length; off += 7) got.push(...sl.decode(wire.subarray(off, off + 7)));
    assert.deepEqual(new Uint8Array(Buffer.concat(got)), data);
    assert.equal(sl.bufferedBytes, 0);
  });

  it('refuses a frame over its own maximum before reading it', async () => {
    const p = makePair(w.alice, w.acceptor, {}, { maxBufferSize: 100 });
    await runAll(p);
    const sl = p.server.outcome.securityLayer;
    assert.ok(sl);
    assert.throws(() => sl.decode(Uint8Array.of(0, 0, 0, 101)), gss('GSS_S_DEFECTIVE_TOKEN', /exceeds/));
  });

  it('refuses an integrity-only frame under the confidentiality layer', async () => {
    const p = makePair(w.alice, w.acceptor, { layers: ['confidentiality'] });
    await runAll(p);
    const token = p.client.context.wrap(enc.encode('x'), { confidential: false });
    const frame = new Uint8Array(4 + token.length);
    new DataView(frame.buffer).setUint32(0, token.length);
    frame.set(token, 4);
    assert.throws(() => p.server.outcome.securityLayer?.decode(frame), gss('GSS_S_BAD_SIG'));
  });

  it('carries the authorization identity to the authorize callback', async () => {
    const seen: string[] = [];
    const p = makePair(
      w.alice,
      w.acceptor,
      { authorizationId: 'dn:uid=bob' },
      {
        authorize: (authn, authz) => {
          seen.push(authn, authz);
          return true;
        },
      },
    );
    await runAll(p);
    assert.deepEqual(seen, [`alice@${w.realm}`, 'dn:uid=bob']);
    assert.equal(p.server.outcome.authorizationId, 'dn:uid=bob');
  });

  it('by default lets a principal act only as itself (with or without its realm)', async () => {
    for (const [authz, ok] of [
      ['alice', true],
      [`alice@${w.realm}`, true],
      ['bob', false],
      ['alice@OTHER.REALM', false],
    ] as const) {
      const p = makePair(w.alice, w.acceptor, { authorizationId: authz });
      const last = await runUntilLast(p);
      if (ok) assert.equal(await p.server.step(last), undefined);
      else await assert.rejects(p.server.step(last), gss('GSS_S_UNAUTHORIZED'));
    }
  });

  it('fails clearly when no layer is acceptable to both', async () => {
    const p = makePair(w.alice, w.acceptor, { layers: ['none'] }, { layers: ['confidentiality'] });
    await assert.rejects(runAll(p), gss('GSS_S_UNAVAILABLE', /no acceptable security layer/));
    await assert.rejects(p.client.step(new Uint8Array(0)), gss('GSS_S_FAILURE', /failed earlier/));
  });

  it('rejects a tampered choice, and a choice of a layer it did not offer', async () => {
    const p = makePair(w.alice, w.acceptor);
    const last = await runUntilLast(p);
    last[last.length - 1] ^= 1;
    await assert.rejects(p.server.step(last), gss('GSS_S_BAD_SIG'));

    // A client that allows only 'none' against a server offering only 'integrity' cannot answer;
    // a hand-made answer for 'none' is refused by the server.
    const q = makePair(w.alice, w.acceptor, {}, { layers: ['integrity'] });
    const offer = await runUntilLast(q, true);
    assert.equal(q.client.context.unwrap(offer).message[0], 2);
    const forged = q.client.context.wrap(Uint8Array.of(1, 0, 0, 0), { confidential: false });
    await assert.rejects(q.server.step(forged), gss('GSS_S_UNAVAILABLE', /not offered/));
  });

  it('rejects a non-empty answer to its last context token, and two layer bits', async () => {
    const p = makePair(w.alice, w.acceptor);
    const first = await p.client.step();
    const apRep = await p.server.step(first);
    assert.ok(apRep && apRep.length > 0);
    await assert.rejects(
      p.server.step(Uint8Array.of(1)),
      (e) => e instanceof GssError && e.major === GSS_S_DEFECTIVE_TOKEN,
    );

    const q = makePair(w.alice, w.acceptor);
    await runUntilLast(q, true);
    const two = q.client.context.wrap(Uint8Array.of(6, 0, 1, 0), { confidential: false });
    await assert.rejects(q.server.step(two), gss('GSS_S_DEFECTIVE_TOKEN', /exactly one layer/));
  });

  it('asks for the initial response with an empty challenge when the client sent none', async () => {
    const p = makePair(w.alice, w.acceptor);
    assert.deepEqual(await p.server.step(new Uint8Array(0)), new Uint8Array(0));
    const first = await p.client.step(new Uint8Array(0));
    assert.ok(first.length > 0);
    const apRep = await p.server.step(first);
    assert.ok(apRep && apRep.length > 0);
  });

  it('checks its options', () => {
    assert.throws(() => makePair(w.alice, w.acceptor, { layers: [] }), gss('GSS_S_FAILURE'));
    assert.throws(() => makePair(w.alice, w.acceptor, { maxBufferSize: 0x1000000 }), gss('GSS_S_FAILURE'));
  });
});
