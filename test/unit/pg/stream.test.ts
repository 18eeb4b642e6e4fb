/**
 * gssapi-ts/pg without a PostgreSQL: the wire helpers, and a server that accepts the TCP
 * connection and then says nothing (the GSS negotiation must time out with a GssError), or
 * answers the GSSENCRequest with a byte PostgreSQL never sends.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { GssError } from '../../../src/errors/status.js';
import { gssStream } from '../../../src/pg/index.js';
import {
  gssEncRequest,
  gssPacket,
  gssResponse,
  splitBackendMessages,
  splitGssPackets,
} from '../../../src/pg/protocol.js';

describe('gssapi-ts/pg wire helpers', () => {
  it('GSSENCRequest is length 8 and code 80877104', () => {
    assert.deepEqual([...gssEncRequest()], [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30]);
  });

  it('packets and backend messages split at their boundaries, partial ones wait', () => {
    const a = gssPacket(Uint8Array.of(1, 2, 3));
    const b = gssPacket(Uint8Array.of(4));
    const both = new Uint8Array([...a, ...b]);
    for (let cut = 0; cut <= both.length; cut++) {
      const { tokens, used } = splitGssPackets(both.subarray(0, cut));
      assert.equal(
        used,
        tokens.reduce((n, t) => n + 4 + t.length, 0),
      );
      assert.equal(tokens.length, cut >= both.length ? 2 : cut >= a.length ? 1 : 0);
    }
    const p = gssResponse(Uint8Array.of(9, 9));
    assert.deepEqual([...p], [0x70, 0, 0, 0, 6, 9, 9]);
    const { messages } = splitBackendMessages(Uint8Array.of(0x52, 0, 0, 0, 8, 0, 0, 0, 7), 100);
    assert.equal(messages[0].type, 0x52);
    assert.deepEqual([...messages[0].body], [0, 0, 0, 7]);
  });

  it('refuses a packet over 16380 octets before it arrives, and a bad message length', () => {
    assert.throws(() => splitGssPackets(Uint8Array.of(0, 0, 0x40, 0)), GssError);
    assert.throws(() => splitBackendMessages(Uint8Array.of(0x52, 0, 0, 0, 3), 100), GssError);
    assert.throws(() => splitBackendMessages(Uint8Array.of(0x52, 0, 0x10, 0, 0), 100), GssError);
  });
});

describe('gssapi-ts/pg against a silent or odd server', () => {
  let server: Server;
  let port = 0;
  let reply: Uint8Array | undefined;
  before(async () => {
    server = createServer((s) => {
      s.on('error', () => {});
      s.once('data', () => {
        if (reply) s.write(reply);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
  });

  const connect = (timeoutMs: number): Promise<unknown> =>
    new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'alice',
      stream: gssStream({ host: 'localhost', timeoutMs }),
    }).connect();

  it('times out a stalled negotiation with a GssError', async () => {
    reply = undefined;
    const t0 = Date.now();
    await assert.rejects(
      connect(300),
      (e) => e instanceof GssError && /no answer from 127\.0\.0\.1/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 3_000);
  });

  it('refuses an answer to GSSENCRequest that is neither G nor N', async () => {
    reply = Uint8Array.of(0x53);
    await assert.rejects(
      connect(5_000),
      (e) => e instanceof GssError && /unexpected reply 0x53/.test(e.message),
    );
  });
});
