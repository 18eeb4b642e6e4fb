/**
 * The KDC survives garbage over UDP and TCP: random bytes, truncated and corrupted requests,
 * oversized length prefixes. Each gets a KRB-ERROR or no answer, and the KDC keeps serving.
 * Bounded: a few thousand loopback datagrams and a few hundred connections, within seconds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { decodeKrbError } from '../../../src/krb5/messages/krb-error.js';
import { asReq, expectError, framed, parseReply, tcpExchange, udpRequest } from './helpers.js';

const REALM = 'GARBAGE.TEST';
const alice = { realm: REALM, client: ['alice'], password: 'pw' };

/** Deterministic mutations of a valid request: truncations, bit flips, random tails. */
function mutations(valid: Uint8Array, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    if (kind === 0) out.push(valid.subarray(0, i % valid.length));
    else if (kind === 1) {
      const c = valid.slice();
      c[i % c.length] ^= 1 << (i % 8);
      out.push(c);
    } else if (kind === 2) out.push(new Uint8Array(randomBytes(1 + (i % 700))));
    else if (kind === 3) {
      // A plausible first byte (AS-REQ or TGS-REQ tag) with random contents.
      const r = new Uint8Array(randomBytes(2 + (i % 300)));
      r[0] = i % 2 ? 0x6a : 0x6c;
      out.push(r);
    } else out.push(new Uint8Array([...valid, ...randomBytes(1 + (i % 16))]));
  }
  return out;
}

function isKrbErrorOrNothing(reply: Uint8Array | undefined): boolean {
  if (!reply) return true;
  if (reply[0] !== 0x7e) return reply[0] === 0x6b; // a mutated-but-valid request may even succeed
  decodeKrbError(reply);
  return true;
}

describe('embedded KDC under garbage', () => {
  let kdc: Kdc;
  before(async () => {
    kdc = await startKdc({ realm: REALM, principals: [{ name: 'alice', password: 'pw' }] });
  });
  after(async () => {
    await kdc?.stop();
  });

  it('survives thousands of garbage datagrams and still answers', async () => {
    const sock = createSocket('udp4');
    const replies: Buffer[] = [];
    sock.on('message', (m) => replies.push(m));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const inputs = mutations(asReq(alice, false), 3000);
    const start = Date.now();
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i].length === 0) continue;
      sock.send(inputs[i], kdc.port, '127.0.0.1');
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 300));
    sock.close();
    assert.ok(Date.now() - start < 20_000);
    for (const r of replies) assert.ok(isKrbErrorOrNothing(new Uint8Array(r)));
    const err = expectError(parseReply(await udpRequest(kdc.port, asReq(alice, false))));
    assert.equal(err.errorCode, 25);
  });

  it('drops requests for another realm, as MIT does', async () => {
    assert.equal(await udpRequest(kdc.port, asReq({ ...alice, realm: 'OTHER.TEST' }, false), 300), undefined);
  });

  it('drops what does not decode, as MIT does', async () => {
    assert.equal(await udpRequest(kdc.port, new Uint8Array([0x6a, 0x03, 0x30, 0x01, 0x00]), 300), undefined);
    assert.equal(await udpRequest(kdc.port, new Uint8Array(randomBytes(64)).fill(0x41), 300), undefined);
  });

  it('survives garbage over TCP: bad framing, truncation, huge length prefixes', async () => {
    const valid = asReq(alice, false);
    const cases: Uint8Array[] = [
      new Uint8Array([0, 0]), // short prefix, then close
      new Uint8Array([0, 0, 0, 10, 1, 2, 3]), // truncated body
      framed(new Uint8Array(randomBytes(50))),
      framed(valid.subarray(0, valid.length - 3)),
    ];
    for (const m of mutations(valid, 300)) cases.push(framed(m));
    await Promise.all(
      cases.map(async (c) => {
        const raw = await tcpExchange(kdc.port, c, 500);
        if (raw.length > 0) assert.ok(isKrbErrorOrNothing(raw.subarray(4)));
      }),
    );
    const ok = await tcpExchange(kdc.port, framed(valid));
    assert.equal(expectError(parseReply(ok.subarray(4))).errorCode, 25);
  });

  it('answers a length prefix over the cap (or with the high bit) with FIELD_TOOLONG and closes', async () => {
    for (const prefix of [
      [0x00, 0x10, 0x00, 0x00],
      [0x80, 0x00, 0x00, 0x10],
      [0xff, 0xff, 0xff, 0xff],
    ]) {
      const raw = await tcpExchange(kdc.port, new Uint8Array(prefix));
      assert.ok(raw.length > 4, 'a framed KRB-ERROR');
      const err = decodeKrbError(raw.subarray(4));
      assert.equal(err.errorCode, 61);
      assert.deepEqual(err.sname.components, ['krbtgt', REALM]);
    }
  });
});

describe('embedded KDC: UDP reply size limit', () => {
  it('sends KRB_ERR_RESPONSE_TOO_BIG over UDP for a reply over kdc_max_dgram_reply_size, the reply over TCP', async () => {
    const kdc = await startKdc({
      realm: REALM,
      principals: [{ name: 'alice', password: 'pw' }],
      maxDgramReplySize: 100,
    });
    try {
      const err = expectError(parseReply(await udpRequest(kdc.port, asReq(alice, false))));
      assert.equal(err.errorCode, 52);
      assert.deepEqual(err.sname.components, ['krbtgt', REALM]);
      const raw = await tcpExchange(kdc.port, framed(asReq(alice, false)));
      assert.equal(expectError(parseReply(raw.subarray(4))).errorCode, 25);
    } finally {
      await kdc.stop();
    }
  });
});
