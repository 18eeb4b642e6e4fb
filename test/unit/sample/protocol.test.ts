/**
 * MIT gss-sample's framing (src/appl/gss-sample/gss-misc.c send_token/recv_token): a flags byte
 * and a 4-byte big-endian length, or, with zero flags (v1), no flags byte on the wire so the
 * receiver takes the length's zero top byte as the flags and reads a 3-byte length.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../../../src/errors/status.js';
import {
  ConnectionClosedError,
  decodeFrame,
  encodeFrame,
  FrameStream,
  MAX_FRAME,
  TOKEN_CONTEXT,
  TOKEN_DATA,
  TOKEN_ENCRYPTED,
  TOKEN_MIC,
  TOKEN_NOOP,
  TOKEN_SEND_MIC,
  TOKEN_WRAPPED,
} from '../../../src/sample/protocol.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

describe('encodeFrame / decodeFrame', () => {
  it('has MIT gss-misc.h flag values', () => {
    assert.deepEqual(
      [TOKEN_NOOP, TOKEN_CONTEXT, TOKEN_DATA, TOKEN_MIC, 16, TOKEN_WRAPPED, TOKEN_ENCRYPTED, TOKEN_SEND_MIC],
      [1, 2, 4, 8, 16, 32, 64, 128],
    );
  });

  it('writes the flags byte and a big-endian 4-byte length', () => {
    assert.equal(hex(encodeFrame(TOKEN_NOOP, new Uint8Array(0))), '0100000000');
    assert.equal(hex(encodeFrame(TOKEN_CONTEXT, bytes('010203'))), '0200000003010203');
    const big = new Uint8Array(0x012345);
    assert.equal(hex(encodeFrame(TOKEN_DATA | TOKEN_WRAPPED, big).subarray(0, 5)), '2400012345');
  });

  it('writes the v1 form (zero flags) without a flags byte, as MIT send_token', () => {
    assert.equal(hex(encodeFrame(0, bytes('aabb'))), '00000002aabb');
    const parsed = decodeFrame(encodeFrame(0, bytes('aabb')));
    assert.deepEqual(parsed, { frame: { flags: 0, token: bytes('aabb') }, size: 6 });
  });

  it('refuses a v1 token of 2^24 bytes or more (its length would not fit in 3 bytes)', () => {
    assert.throws(
      () => encodeFrame(0, new Uint8Array(1 << 24)),
      (e: unknown) => e instanceof GssError && e.major === GSS_S_FAILURE,
    );
  });

  it('reads the v1 3-byte length', () => {
    assert.deepEqual(decodeFrame(bytes('00000001ff')), { frame: { flags: 0, token: bytes('ff') }, size: 5 });
    // 0xffffff is below the frame limit: incomplete, not refused.
    assert.equal(decodeFrame(bytes('00ffffff')), undefined);
  });

  it('round-trips every flags value and leaves trailing bytes alone', () => {
    for (let flags = 1; flags < 256; flags++) {
      const token = bytes('deadbeef');
      const wire = new Uint8Array([...encodeFrame(flags, token), 0x99, 0x98]);
      const parsed = decodeFrame(wire);
      assert.ok(parsed);
      assert.equal(parsed.frame.flags, flags);
      assert.equal(hex(parsed.frame.token), 'deadbeef');
      assert.equal(parsed.size, 9);
    }
  });

  it('returns undefined for every truncation of a frame', () => {
    for (const wire of [encodeFrame(TOKEN_MIC, bytes('0102030405')), encodeFrame(0, bytes('0102'))]) {
      for (let n = 0; n < wire.length; n++) assert.equal(decodeFrame(wire.subarray(0, n)), undefined, `${n}`);
      assert.ok(decodeFrame(wire));
    }
  });

  it('refuses a length above MAX_FRAME from the header alone (DEFECTIVE_TOKEN)', () => {
    const head = new Uint8Array(5);
    head[0] = TOKEN_DATA;
    new DataView(head.buffer).setUint32(1, MAX_FRAME + 1);
    assert.throws(
      () => decodeFrame(head),
      (e: unknown) => e instanceof GssError && e.major === GSS_S_DEFECTIVE_TOKEN,
    );
    new DataView(head.buffer).setUint32(1, MAX_FRAME);
    assert.equal(decodeFrame(head), undefined);
    assert.throws(() => decodeFrame(bytes('01ffffffff')), GssError);
  });
});

describe('FrameStream over a loopback socket', () => {
  let server: Server;
  let port: number;
  const accepted: Socket[] = [];
  before(async () => {
    server = createServer({ pauseOnConnect: true, highWaterMark: 0 }, (s) => {
      accepted.push(s);
      server.emit('accepted', s);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of accepted) s.destroy();
    server.close();
    await once(server, 'close');
  });

  async function pair(): Promise<{ client: Socket; stream: FrameStream }> {
    const got = once(server, 'accepted') as Promise<[Socket]>;
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const [sock] = await got;
    return { client, stream: new FrameStream(sock) };
  }

  it('reassembles frames sent one byte at a time', async () => {
    const { client, stream } = await pair();
    const wire = new Uint8Array([
      ...encodeFrame(TOKEN_NOOP | 16, new Uint8Array(0)),
      ...encodeFrame(TOKEN_CONTEXT, bytes('0a0b0c')),
      ...encodeFrame(0, bytes('0d')),
    ]);
    for (const b of wire) {
      client.write(new Uint8Array([b]));
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await stream.recv(), { flags: 17, token: new Uint8Array(0) });
    assert.deepEqual(await stream.recv(), { flags: TOKEN_CONTEXT, token: bytes('0a0b0c') });
    assert.deepEqual(await stream.recv(), { flags: 0, token: bytes('0d') });
    client.destroy();
  });

  it('keeps bytes after the frames asked for as pending, for a hand-off', async () => {
    const { client, stream } = await pair();
    client.write(
      new Uint8Array([...encodeFrame(TOKEN_CONTEXT, bytes('01')), ...encodeFrame(TOKEN_DATA, bytes('02'))]),
    );
    assert.deepEqual(await stream.recv(), { flags: TOKEN_CONTEXT, token: bytes('01') });
    // Whatever was read with the first frame is in pending, the rest is still in the kernel:
    // a second stream given pending gets the next frame whole.
    await new Promise((r) => setTimeout(r, 20));
    const rest = stream.pending.slice();
    const dec = decodeFrame(rest);
    if (dec) {
      assert.deepEqual(dec.frame, { flags: TOKEN_DATA, token: bytes('02') });
      assert.equal(dec.size, rest.length);
    } else {
      assert.equal(rest.length, 0);
      assert.deepEqual(await stream.recv(), { flags: TOKEN_DATA, token: bytes('02') });
    }
    client.destroy();
  });

  it('sends frames the peer can decode, and close() ends the connection', async () => {
    const { client, stream } = await pair();
    const chunks: Buffer[] = [];
    client.on('data', (c) => chunks.push(c));
    stream.send(TOKEN_MIC, bytes('abcd'));
    stream.send(TOKEN_NOOP);
    await stream.flushed();
    const closed = once(stream.socket, 'close');
    stream.close();
    await once(client, 'end');
    assert.equal(Buffer.concat(chunks).toString('hex'), '0800000002abcd0100000000');
    await closed;
    assert.equal(stream.socket.destroyed, true);
    client.destroy();
  });

  it('rejects recv() with GSS_S_FAILURE when the peer closes mid-frame', async () => {
    const { client, stream } = await pair();
    client.end(bytes('0400000010aabb'));
    await assert.rejects(stream.recv(), (e: unknown) => e instanceof GssError && e.major === GSS_S_FAILURE);
  });

  for (const [sent, line] of [
    ['', 'reading token flags: 0 bytes read'],
    ['010000', 'reading token length: 2 of 4 bytes read'],
    ['0000', 'reading token length: 1 of 3 bytes read'],
    ['0400000010aabb', undefined],
  ] as const) {
    it(`names MIT's recv_token log line when the peer closes after '${sent}'`, async () => {
      const { client, stream } = await pair();
      client.end(bytes(sent));
      await assert.rejects(
        stream.recv(),
        (e: unknown) => e instanceof ConnectionClosedError && e.logLine === line && e.major === GSS_S_FAILURE,
      );
    });
  }

  it('rejects recv() with DEFECTIVE_TOKEN for a frame length above the limit', async () => {
    const { client, stream } = await pair();
    client.write(bytes('04ffffffff'));
    await assert.rejects(
      stream.recv(),
      (e: unknown) => e instanceof GssError && e.major === GSS_S_DEFECTIVE_TOKEN,
    );
    client.destroy();
  });

  it('refuses a second recv() while one is pending', async () => {
    const { client, stream } = await pair();
    const first = stream.recv();
    await assert.rejects(stream.recv(), /already pending/);
    client.write(encodeFrame(TOKEN_NOOP, new Uint8Array(0)));
    assert.deepEqual(await first, { flags: TOKEN_NOOP, token: new Uint8Array(0) });
    client.destroy();
  });

  it('starts with bytes handed over (initial) before reading the socket', async () => {
    const got = once(server, 'accepted') as Promise<[Socket]>;
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const [sock] = await got;
    const stream = new FrameStream(
      sock,
      new Uint8Array([...encodeFrame(TOKEN_DATA, bytes('11')), 0x01, 0x00]),
    );
    client.write(bytes('000000'));
    assert.deepEqual(await stream.recv(), { flags: TOKEN_DATA, token: bytes('11') });
    assert.deepEqual(await stream.recv(), { flags: TOKEN_NOOP, token: new Uint8Array(0) });
    client.destroy();
  });
});
