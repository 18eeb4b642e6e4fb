/**
 * `gss server`'s limits (issue 17, docs/security.md's server policy): a context token above
 * the limit is refused on its header, a handshake that does not finish in time is closed (even
 * one dripping bytes), an established connection idle too long is closed (in the listener and
 * in a worker), a message frame above its limit is refused, and connections beyond the cap on
 * unauthenticated ones are closed at once. Each leaves a log line, and MIT gss-client is served
 * afterwards.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_LIMITS, type ServerLimits } from '../../src/sample/limits.js';
import {
  encodeFrame,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_DATA,
  TOKEN_NOOP,
} from '../../src/sample/protocol.js';
import { type ConnectionEvent, type SampleServer, startSampleServer } from '../../src/sample/server.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { holdConnection } from './sample-load.js';
import { WORKER_SPEC, waitFor } from './sample-realm.js';

const hello = encodeFrame(TOKEN_NOOP | TOKEN_CONTEXT_NEXT, new Uint8Array(0));

/** Connects, writes `bytes`, and resolves with the ms until the server closed (or 'open' after `ms`). */
async function closedWithin(port: number, bytes: Uint8Array, ms: number): Promise<number | 'open'> {
  const s: Socket = connect(port, '127.0.0.1');
  await once(s, 'connect');
  s.on('error', () => {});
  const t0 = performance.now();
  s.write(bytes);
  const closed = once(s, 'close').then(() => performance.now() - t0);
  const r = await Promise.race([closed, new Promise<'open'>((res) => setTimeout(res, ms, 'open'))]);
  s.destroy();
  return r;
}

describe('gss server limits', { skip: interopSkip() }, () => {
  let realm: Realm;
  const savedEnv = { ...process.env };
  const servers: SampleServer[] = [];
  const log: string[] = [];
  const events: ConnectionEvent[] = [];

  before(async () => {
    realm = await startRealm();
    process.env = { ...realm.env };
  });
  after(async () => {
    for (const s of servers) await s.close();
    process.env = savedEnv;
    await realm?.stop();
  });

  async function serve(limits: Partial<ServerLimits>, workers = 0): Promise<SampleServer> {
    log.length = 0;
    events.length = 0;
    const s = await startSampleServer({
      service: 'gsstest@localhost',
      keytab: realm.keytabs.gsstest,
      log: (l) => log.push(l),
      stdout: () => {},
      onConnection: (e) => events.push(e),
      limits,
      ...(workers ? { workers, worker: WORKER_SPEC } : {}),
    });
    servers.push(s);
    return s;
  }

  async function stillServes(port: number): Promise<void> {
    const r = await realm.exec(MIT_BIN.gssClient, [
      '-port',
      String(port),
      'localhost',
      'gsstest@localhost',
      'ok',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Signature verified\./);
  }

  it('the default context-token limit (64 KiB) refuses a larger AP-REQ frame on its header', async () => {
    const s = await serve({});
    assert.equal(DEFAULT_LIMITS.maxTokenSize, 65536);
    const head = encodeFrame(TOKEN_CONTEXT, new Uint8Array(70000)).subarray(0, 5);
    const ms = await closedWithin(s.port, new Uint8Array([...hello, ...head]), 3000);
    assert.notEqual(ms, 'open', 'the connection was kept open waiting for 70000 bytes');
    await waitFor(() => events.some((e) => /too large/.test(e.error ?? '')));
    assert.ok(
      log.some((l) =>
        /^refused a 70000-byte token from 127\.0\.0\.1:\d+ before authentication: the limit is 65536 bytes \(--max-token-size\); connection closed$/.test(
          l,
        ),
      ),
      log.join('\n'),
    );
    // A token of exactly the limit is read (and then refused as a token, not for its size).
    events.length = 0;
    const whole = new Uint8Array([...hello, ...encodeFrame(TOKEN_CONTEXT, new Uint8Array(65536))]);
    assert.notEqual(await closedWithin(s.port, whole, 3000), 'open');
    await waitFor(() => events.length === 1);
    assert.match(events[0].error ?? '', /./);
    assert.doesNotMatch(events[0].error ?? '', /too large/);
    await stillServes(s.port);
  });

  it('a handshake not done within --handshake-timeout is closed, even one dripping bytes', async () => {
    const s = await serve({ handshakeTimeoutMs: 600 });
    const ms = await closedWithin(s.port, hello, 5000);
    assert.ok(ms !== 'open' && ms >= 500 && ms < 3000, `closed after ${ms}`);
    await waitFor(() => events.some((e) => /handshake-timeout/.test(e.error ?? '')));
    // One byte of an AP-REQ frame every 100 ms: never idle, still cut at the deadline.
    const sock: Socket = connect(s.port, '127.0.0.1');
    await once(sock, 'connect');
    sock.on('error', () => {});
    const t0 = performance.now();
    sock.write(hello);
    const frame = encodeFrame(TOKEN_CONTEXT, new Uint8Array(200));
    let at = 0;
    const drip = setInterval(() => sock.writable && sock.write(frame.subarray(at, ++at)), 100);
    await once(sock, 'close');
    clearInterval(drip);
    const dripMs = performance.now() - t0;
    assert.ok(dripMs < 3000, `a dripping handshake lasted ${dripMs} ms`);
    await waitFor(() => events.filter((e) => /handshake-timeout/.test(e.error ?? '')).length === 2);
    const lines = log.filter((l) => /no context established within 0\.6 s \(--handshake-timeout\)$/.test(l));
    assert.equal(lines.length, 2, log.join('\n'));
    await stillServes(s.port);
  });

  for (const workers of [0, 1]) {
    it(`an established connection idle beyond --idle-timeout is closed (${workers ? 'in a worker' : 'in the listener'})`, {
      timeout: 60_000,
    }, async () => {
      const s = await serve({ idleTimeoutMs: 700 }, workers);
      const { stream } = await holdConnection(s.port);
      const t0 = performance.now();
      await assert.rejects(stream.recv(), /connection closed/);
      const ms = performance.now() - t0;
      assert.ok(ms >= 500 && ms < 4000, `closed after ${ms} ms`);
      await waitFor(() => events.some((e) => /idle/.test(e.error ?? '')));
      assert.ok(
        log.some((l) =>
          /closed the connection from 127\.0\.0\.1:\d+: idle for 0\.7 s \(--idle-timeout\)$/.test(l),
        ),
        log.join('\n'),
      );
      await stillServes(s.port);
    });
  }

  it('a message frame above --max-message-size is refused on an established connection', async () => {
    const s = await serve({ maxMessageSize: 4096 });
    const { stream } = await holdConnection(s.port);
    stream.socket.write(encodeFrame(TOKEN_DATA, new Uint8Array(5000)).subarray(0, 5));
    await assert.rejects(stream.recv(), /connection closed/);
    await waitFor(() => events.some((e) => /too large/.test(e.error ?? '')));
    assert.ok(
      log.some((l) =>
        /^refused a 5000-byte token from 127\.0\.0\.1:\d+: the limit is 4096 bytes \(--max-message-size\)/.test(
          l,
        ),
      ),
      log.join('\n'),
    );
    await stillServes(s.port);
  });

  it('connections beyond --max-unauthenticated are closed at once; served again once below', async () => {
    const s = await serve({ maxUnauthenticated: 2 });
    const stalled: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const c = connect(s.port, '127.0.0.1');
      c.on('error', () => {});
      await once(c, 'connect');
      c.write(hello);
      stalled.push(c);
    }
    await new Promise((r) => setTimeout(r, 100));
    const ms = await closedWithin(s.port, hello, 2000);
    assert.ok(ms !== 'open' && ms < 1000, `the third connection: ${ms}`);
    assert.ok(
      log.some((l) =>
        /^refused the connection from 127\.0\.0\.1:\d+: 2 connections not yet authenticated \(--max-unauthenticated\)$/.test(
          l,
        ),
      ),
      log.join('\n'),
    );
    for (const c of stalled) c.destroy();
    await waitFor(() => events.filter((e) => /connection closed/.test(e.error ?? '')).length === 2);
    await stillServes(s.port);
  });
});
