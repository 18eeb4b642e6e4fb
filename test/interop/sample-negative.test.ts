/**
 * `gss server` under bad input: garbage and truncated frames, an oversized frame length, a first
 * token that is no NOOP, unauthenticated clients asking for protection, clients that disconnect
 * mid-handshake, a corrupted Wrap token, and a worker killed mid-connection. Each connection is
 * closed, the log says what MIT gss-server's says for the same bytes, and the server goes on
 * serving MIT gss-client.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Name } from '../../src/gssapi/names/names.js';
import {
  encodeFrame,
  FrameStream,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_DATA,
  TOKEN_ENCRYPTED,
  TOKEN_NOOP,
  TOKEN_SEND_MIC,
  TOKEN_WRAPPED,
} from '../../src/sample/protocol.js';
import { type ConnectionEvent, type SampleServer, startSampleServer } from '../../src/sample/server.js';
import { type MitGssServer, startMitGssServer } from '../harness/gss-server.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { WORKER_SPEC, waitFor } from './sample-realm.js';

const empty = new Uint8Array(0);
const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const hello = encodeFrame(TOKEN_NOOP | TOKEN_CONTEXT_NEXT, empty);

/** Sends bytes, half-closes, and resolves with what came back once the server closed. */
async function sendRaw(port: number, bytes: Uint8Array, opts: { end?: boolean } = {}): Promise<string> {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  const chunks: Buffer[] = [];
  s.on('data', (c) => chunks.push(c));
  s.on('error', () => {});
  s.write(bytes);
  if (opts.end !== false) s.end();
  await once(s, 'close');
  return Buffer.concat(chunks).toString('hex');
}

/** Connects and establishes a context with our initiator, leaving the stream open. */
async function establish(
  port: number,
  service = 'gsstest@localhost',
): Promise<{ stream: FrameStream; ctx: SecurityContext }> {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const stream = new FrameStream(socket);
  const ctx = SecurityContext.initiate({
    target: Name.hostbased(service),
    mutual: true,
    replayDetection: true,
  });
  stream.send(TOKEN_NOOP | TOKEN_CONTEXT_NEXT);
  let input: Uint8Array | undefined;
  for (;;) {
    const out = await ctx.step(input);
    if (out?.length) stream.send(TOKEN_CONTEXT, out);
    if (ctx.isEstablished) return { stream, ctx };
    input = (await stream.recv()).token;
  }
}

describe('gss server under bad input', { skip: interopSkip() }, () => {
  let realm: Realm;
  let mit: MitGssServer;
  let server: SampleServer;
  const log: string[] = [];
  const out: string[] = [];
  const events: ConnectionEvent[] = [];
  const savedEnv = { ...process.env };

  before(async () => {
    realm = await startRealm();
    process.env = { ...realm.env };
    mit = await startMitGssServer(realm);
    server = await startSampleServer({
      service: 'gsstest@localhost',
      keytab: realm.keytabs.gsstest,
      log: (l) => log.push(l),
      stdout: (l) => out.push(l),
      onConnection: (e) => events.push(e),
    });
  });
  after(async () => {
    await server?.close();
    await mit?.stop();
    process.env = savedEnv;
    await realm?.stop();
  });

  /** A MIT gss-client run succeeds; waits for its connection event (a worker reports late). */
  async function stillServes(port: number, evs: ConnectionEvent[] = events): Promise<void> {
    const n = evs.length;
    const args = ['-port', String(port), 'localhost', 'gsstest@localhost', 'still here'];
    const r = await realm.exec(MIT_BIN.gssClient, args);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Signature verified\./);
    await waitFor(() => evs.length === n + 1, 5_000, 'the connection event');
    assert.equal(evs[n].error, undefined);
  }

  /** Sends the same bytes to MIT gss-server and to ours; returns both logs and replies. */
  async function both(bytes: Uint8Array) {
    const mark = mit.log().length;
    const mitReply = await sendRaw(mit.port, bytes);
    await mit.idle();
    const mitLog = mit.log().slice(mark).split('\n').slice(0, -1);
    log.length = 0;
    out.length = 0;
    events.length = 0;
    const ourReply = await sendRaw(server.port, bytes);
    await waitFor(() => events.length === 1, 5_000, 'connection event');
    return { mitReply, mitLog, ourReply, ourLog: [...log], ourStdout: [...out], event: events[0] };
  }

  it('a first token that is no NOOP: MIT log line, connection closed', async () => {
    const r = await both(encodeFrame(TOKEN_CONTEXT, new Uint8Array([1, 2, 3])));
    assert.deepEqual(r.mitLog, ['Expected NOOP token, got 2 token instead']);
    assert.deepEqual(r.ourLog, r.mitLog);
    assert.equal(r.ourReply, '');
    assert.ok(r.event.error);
    await stillServes(server.port);
  });

  it("MIT gss-client -v1 (no NOOP, zero-flags frames) is refused as MIT's server refuses it", async () => {
    const args = ['-v1', 'localhost', 'gsstest@localhost', 'v1'];
    const mark = mit.log().length;
    const theirs = await realm.exec(MIT_BIN.gssClient, ['-port', String(mit.port), ...args]);
    await mit.idle();
    log.length = 0;
    events.length = 0;
    const ours = await realm.exec(MIT_BIN.gssClient, ['-port', String(server.port), ...args]);
    await waitFor(() => events.length === 1);
    const mitLog = mit.log().slice(mark).split('\n').slice(0, -1);
    assert.deepEqual(mitLog, ['Expected NOOP token, got 0 token instead']);
    assert.deepEqual(log, mitLog);
    assert.equal(ours.code, theirs.code);
    assert.notEqual(ours.code, 0);
    await stillServes(server.port);
  });

  for (const [name, token] of [
    ['random bytes', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])],
    ['a GSS header with a bad mechanism OID', new Uint8Array([0x60, 5, 1, 2, 3, 4, 5])],
    ['a truncated GSS header', new Uint8Array([0x60, 0x82, 0x01])],
  ] as const) {
    it(`a context token of ${name}: DEFECTIVE_TOKEN as MIT, connection closed`, async () => {
      const r = await both(cat(hello, encodeFrame(TOKEN_CONTEXT, token)));
      assert.equal(r.mitLog[0], 'GSS-API error accepting context: Invalid token was supplied');
      // The major status line is MIT's; the minor one names our decoder's reason (MIT's mechglue
      // gives up before the krb5 mechanism and says "Unknown error").
      assert.equal(r.ourLog[0], r.mitLog[0]);
      assert.equal(r.ourLog.length, 2);
      assert.match(r.ourLog[1], /^GSS-API error accepting context: /);
      assert.equal(r.ourReply, r.mitReply);
      assert.ok(r.event.error);
      await stillServes(server.port);
    });
  }

  it('an unauthenticated client asking for wrapped service is refused as by MIT', async () => {
    const r = await both(
      cat(
        encodeFrame(TOKEN_NOOP, empty),
        encodeFrame(TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED, new Uint8Array([1, 2, 3])),
      ),
    );
    assert.deepEqual(r.mitLog, [
      'Accepted unauthenticated connection.',
      'Unauthenticated client requested authenticated services!',
    ]);
    assert.deepEqual(r.ourLog, r.mitLog);
    // MIT's second 'Accepted unauthenticated connection.' goes to stdout, closed under -inetd.
    assert.deepEqual(r.ourStdout, ['Accepted unauthenticated connection.']);
    assert.equal(r.ourReply, '');
    await stillServes(server.port);
  });

  it('an unauthenticated client gets NOOPs, non-text messages logged as MIT print_token', async () => {
    const long = Uint8Array.from({ length: 20 }, (_, i) => i);
    const r = await both(
      cat(
        encodeFrame(TOKEN_NOOP, empty),
        encodeFrame(TOKEN_DATA, new TextEncoder().encode('hi')),
        encodeFrame(TOKEN_DATA, new Uint8Array([1, 2, 3])),
        encodeFrame(TOKEN_DATA, long),
        encodeFrame(TOKEN_NOOP, empty),
      ),
    );
    assert.deepEqual(r.mitLog, [
      'Accepted unauthenticated connection.',
      'Received message: "hi"',
      'Received message: ',
      '01 02 03 ',
      'Received message: ',
      '00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ',
      '10 11 12 13 ',
      'NOOP token',
    ]);
    assert.deepEqual(r.ourLog, r.mitLog);
    assert.equal(r.ourReply, r.mitReply);
    assert.equal(r.ourReply, '010000000001000000000100000000');
  });

  for (const [name, bytes, mitLine] of [
    ['nothing at all', empty, 'reading token flags: 0 bytes read'],
    [
      'half a flags-and-length header',
      new Uint8Array([TOKEN_NOOP, 0, 0]),
      'reading token length: 2 of 4 bytes read',
    ],
    ['half a v1 header', new Uint8Array([0, 0, 0]), 'reading token length: 2 of 3 bytes read'],
    ['the NOOP and then nothing (disconnect before the AP-REQ)', hello, 'reading token flags: 0 bytes read'],
    // Cut inside the token: MIT says so on stderr only, its log stays empty.
    [
      'half an AP-REQ frame',
      cat(hello, encodeFrame(TOKEN_CONTEXT, new Uint8Array(100)).subarray(0, 40)),
      undefined,
    ],
  ] as const) {
    it(`a client that sends ${name} and closes: MIT's log line, server serves on`, async () => {
      const r = await both(bytes);
      assert.deepEqual(r.mitLog, mitLine ? [mitLine] : []);
      assert.deepEqual(r.ourLog, r.mitLog);
      assert.equal(r.ourReply, '');
      assert.match(r.event.error ?? '', /connection closed while reading a token/);
      await stillServes(server.port);
    });
  }

  it('a frame length above the limit is refused without waiting for the body', async () => {
    events.length = 0;
    const head = new Uint8Array([TOKEN_NOOP | TOKEN_CONTEXT_NEXT, 0xff, 0xff, 0xff, 0xff]);
    // Not half-closed: the server must drop the connection on the header alone.
    assert.equal(await sendRaw(server.port, head, { end: false }), '');
    await waitFor(() => events.length === 1);
    assert.match(events[0].error ?? '', /too large/);
    await stillServes(server.port);
  });

  it('a client that disconnects after its AP-REQ, before the AP-REP is read', async () => {
    events.length = 0;
    const { stream } = await establishHalf(server.port);
    stream.socket.destroy();
    await waitFor(() => events.length === 1);
    // The context was complete on the server's side (AP-REP sent); the data never came.
    assert.equal(events[0].client, 'alice@TEST.GSS');
    assert.match(events[0].error ?? '', /connection closed while reading a token/);
    await stillServes(server.port);
  });

  it('a corrupted Wrap token: MIT display_status lines, connection closed', async () => {
    log.length = 0;
    events.length = 0;
    const { stream, ctx } = await establish(server.port);
    const tok = ctx.wrap(new TextEncoder().encode('x'), { confidential: true });
    tok[tok.length - 1] ^= 1;
    stream.send(TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED | TOKEN_SEND_MIC, tok);
    await assert.rejects(stream.recv(), /connection closed/);
    await waitFor(() => events.length === 1);
    assert.ok(
      log.includes('GSS-API error unsealing message: A token had an invalid Message Integrity Check (MIC)'),
      log.join('\n'),
    );
    await stillServes(server.port);
  });

  /** NOOP + AP-REQ sent, nothing read. */
  async function establishHalf(port: number) {
    const socket: Socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const stream = new FrameStream(socket);
    const ctx = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mutual: true });
    stream.send(TOKEN_NOOP | TOKEN_CONTEXT_NEXT);
    const out = await ctx.step();
    stream.send(TOKEN_CONTEXT, out);
    await stream.flushed();
    return { stream, ctx };
  }

  describe('with --workers 2', () => {
    let pooled: SampleServer;
    const plog: string[] = [];
    const pevents: ConnectionEvent[] = [];
    before(async () => {
      pooled = await startSampleServer({
        service: 'gsstest@localhost',
        keytab: realm.keytabs.gsstest,
        log: (l) => plog.push(l),
        onConnection: (e) => pevents.push(e),
        workers: 2,
        worker: WORKER_SPEC,
      });
    });
    after(async () => {
      await pooled?.close();
    });

    it('a worker killed mid-connection fails only that connection; a replacement is started', async () => {
      const victim = pooled.workerPids[0];
      const { stream } = await establish(pooled.port);
      await waitFor(
        () => plog.some((l) => l.startsWith(`[worker ${victim}] imported context`)),
        10_000,
        'import',
      );
      process.kill(victim, 'SIGKILL');
      await assert.rejects(stream.recv(), /connection closed/);
      await waitFor(() => pevents.length === 1);
      assert.equal(pevents[0].workerPid, victim);
      assert.match(pevents[0].error ?? '', /worker exited \(SIGKILL\)/);
      await waitFor(() => plog.some((l) => l.startsWith(`worker ${victim} exited`)));
      for (let i = 0; i < 3; i++) await stillServes(pooled.port, pevents);
      const servedBy = new Set(pevents.slice(1).map((e) => e.workerPid));
      assert.ok(!servedBy.has(victim));
      for (const e of pevents.slice(1)) assert.equal(e.error, undefined);
    });

    it('a corrupted Wrap token in a worker: logged there, connection closed, pool serves on', async () => {
      pevents.length = 0;
      plog.length = 0;
      const { stream, ctx } = await establish(pooled.port);
      const tok = ctx.wrap(new TextEncoder().encode('x'), { confidential: true });
      tok[20] ^= 0x80;
      stream.send(TOKEN_DATA | TOKEN_WRAPPED | TOKEN_SEND_MIC, tok);
      await assert.rejects(stream.recv(), /connection closed/);
      await waitFor(() => pevents.length === 1);
      assert.ok(pevents[0].workerPid);
      assert.ok(pevents[0].error);
      assert.ok(
        plog.some((l) => /^\[worker \d+\] GSS-API error unsealing message: /.test(l)),
        plog.join('\n'),
      );
      await stillServes(pooled.port, pevents);
    });

    it('bytes the client sent right behind its AP-REQ reach the worker (one write, no mutual)', {
      timeout: 15_000,
    }, async () => {
      pevents.length = 0;
      const ctx = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mutual: false });
      const apReq = await ctx.step();
      assert.ok(apReq && ctx.isEstablished);
      const msgs = ['first', 'second', 'third'].map((m) => new TextEncoder().encode(m));
      const socket: Socket = connect(pooled.port, '127.0.0.1');
      await once(socket, 'connect');
      const stream = new FrameStream(socket);
      // Destroyed on any failure, so a lost byte fails this test instead of hanging the suite.
      const guard = setTimeout(() => socket.destroy(), 10_000);
      try {
        // Everything at once: the listener reads some of it with the AP-REQ and must hand it over.
        socket.write(
          cat(
            hello,
            encodeFrame(TOKEN_CONTEXT, apReq),
            ...msgs.map((m) =>
              encodeFrame(TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED | TOKEN_SEND_MIC, ctx.wrap(m)),
            ),
            encodeFrame(TOKEN_NOOP, empty),
          ),
        );
        for (const m of msgs) {
          const reply = await stream.recv();
          assert.equal(reply.flags, 0x08);
          assert.equal(ctx.verifyMic(m, reply.token), 0);
        }
        await waitFor(() => pevents.length === 1);
        stream.close();
        assert.equal(pevents[0].error, undefined);
        assert.ok(pevents[0].workerPid);
      } finally {
        clearTimeout(guard);
        socket.destroy();
      }
      assert.deepEqual(pevents[0].report?.messages, ['"first"', '"second"', '"third"']);
    });

    it('garbage before the context is refused by the listener, workers untouched', async () => {
      pevents.length = 0;
      assert.equal(
        await sendRaw(pooled.port, cat(hello, encodeFrame(TOKEN_CONTEXT, new Uint8Array([9, 9, 9])))),
        '',
      );
      await waitFor(() => pevents.length === 1);
      assert.equal(pevents[0].workerPid, undefined);
      await stillServes(pooled.port, pevents);
    });
  });
});
