/**
 * What one gss-sample connection can cost the server (issue 17): a maximal frame is read in
 * linear time, a frame above the stream's limit is refused on its header before its body
 * arrives, and a client that does not read our replies is not read either.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import { FrameTooLargeError } from '../../../src/sample/frame-buffer.js';
import { encodeFrame, FrameStream, MAX_FRAME, TOKEN_DATA, TOKEN_MIC } from '../../../src/sample/protocol.js';

describe('FrameStream bounds over a loopback socket', { timeout: 20_000 }, () => {
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

  async function pair(limit?: number): Promise<{ client: Socket; stream: FrameStream }> {
    const got = once(server, 'accepted') as Promise<[Socket]>;
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const [sock] = await got;
    return { client, stream: new FrameStream(sock, undefined, limit) };
  }

  it('reads a maximal (16 MiB) frame arriving in small pieces in linear time', async () => {
    const { client, stream } = await pair();
    const token = new Uint8Array(MAX_FRAME).fill(0x5a);
    token[MAX_FRAME - 1] = 1;
    const wire = encodeFrame(TOKEN_DATA, token);
    const cpu0 = process.cpuUsage();
    const got = stream.recv();
    // 16 KiB writes, each its own event-loop turn: the reader sees about a thousand chunks.
    for (let at = 0; at < wire.length; at += 16384) {
      if (!client.write(wire.subarray(at, at + 16384))) await once(client, 'drain');
      else if ((at / 16384) % 8 === 0) await new Promise((r) => setImmediate(r));
    }
    const frame = await got;
    const cpu = process.cpuUsage(cpu0);
    const seconds = (cpu.user + cpu.system) / 1e6;
    assert.equal(frame.token.length, MAX_FRAME);
    assert.equal(frame.token[MAX_FRAME - 1], 1);
    assert.equal(frame.token[12345], 0x5a);
    // Copying the buffer per chunk took 9.4 s of CPU here; linear reading takes 0.3 s
    // (both ends of the socket are in this process).
    assert.ok(seconds < 1.5, `reading one 16 MiB frame took ${seconds.toFixed(2)} s of CPU`);
    client.destroy();
  });

  it("refuses a frame above the stream's limit on its header, before the body is sent", async () => {
    const { client, stream } = await pair(1000);
    client.write(encodeFrame(TOKEN_DATA, new Uint8Array(1001)).subarray(0, 5));
    await assert.rejects(
      stream.recv(),
      (e: unknown) =>
        e instanceof FrameTooLargeError &&
        e.major === GSS_S_DEFECTIVE_TOKEN &&
        e.minor === MINOR.KRB5KRB_ERR_FIELD_TOOLONG &&
        e.length === 1001 &&
        e.limit === 1000,
    );
    client.destroy();
  });

  it('takes a frame of exactly the limit, and the limit can be raised between frames', async () => {
    const { client, stream } = await pair(1000);
    client.write(encodeFrame(TOKEN_DATA, new Uint8Array(1000)));
    assert.equal((await stream.recv()).token.length, 1000);
    stream.limit = 5000;
    client.write(encodeFrame(TOKEN_DATA, new Uint8Array(4000)));
    assert.equal((await stream.recv()).token.length, 4000);
    client.destroy();
  });

  it('abort() rejects the waiting recv() with its reason and closes the socket', async () => {
    const { client, stream } = await pair();
    const pending = stream.recv();
    const closed = once(client, 'close');
    stream.abort(new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'because'));
    await assert.rejects(pending, /because/);
    await closed;
  });

  it('does not read the next frame while the peer leaves our replies unread', async () => {
    const { client, stream } = await pair();
    client.pause();
    // Replies until the kernel's buffers are full and Node holds the rest.
    const reply = encodeFrame(TOKEN_MIC, new Uint8Array(64 * 1024));
    for (let i = 0; i < 2000 && !stream.socket.writableNeedDrain; i++) stream.socket.write(reply);
    for (let i = 0; i < 200; i++) stream.socket.write(reply);
    assert.ok(stream.socket.writableNeedDrain);
    client.write(encodeFrame(TOKEN_DATA, new Uint8Array([7])));
    let got = false;
    const next = stream.recv().then((f) => {
      got = true;
      return f;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(got, false, 'a frame was read while our replies were stuck');
    client.resume(); // the client reads again: our replies drain, its frame is read
    assert.deepEqual((await next).token, new Uint8Array([7]));
    client.destroy();
  });
});
