/**
 * `gss server --rcache` as real processes (run from source with tsx): two servers sharing one
 * replay cache, Redis (redis-server from Debian on a free loopback port) or MIT's file2 file,
 * each refuse an AP-REQ the other accepted, and accept a fresh one; the AP-REQ is sent as MIT's
 * gss-client sends it (a NOOP|CONTEXT_NEXT frame, then the token). Also: an unknown replay cache
 * type is refused at start with MIT's message, and a Redis that is down fails the accept closed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Name } from '../../src/gssapi/names/names.js';
import {
  decodeFrame,
  encodeFrame,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_NOOP,
} from '../../src/sample/protocol.js';
import { freePort } from '../harness/net.js';
import { interopSkip, type Realm, startRealm, track } from '../harness/realm.js';
import { type RedisServer, redisSkip, startRedis } from '../harness/redis.js';
import { GSS_ENTRY, waitFor } from './sample-realm.js';

interface Server {
  readonly port: number;
  /** Its log: stdout, as MIT's gss-server logs without -logfile. */
  log(): string;
  stderr(): string;
  stop(): Promise<void>;
}

async function startServer(realm: Realm, name: string, rcache: string): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = track(
    spawn(
      process.execPath,
      [
        ...['--import', 'tsx', GSS_ENTRY, 'server', '--port', String(port)],
        ...['--keytab', realm.keytabs.gsstest, '--rcache', rcache, 'gsstest@localhost'],
      ],
      { env: { ...realm.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let err = '';
  let out = '';
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  try {
    await waitFor(() => err.includes('starting...') || child.exitCode !== null, 60_000, `gss server ${name}`);
    assert.match(err, /starting\.\.\. \(127\.0\.0\.1:\d+, replay cache /, err);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    port,
    log: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** The krb5 mechanism OID's DER (1.2.840.113554.1.2.2) with its tag and length. */
const KRB5_OID = Buffer.from('06092a864886f712010202', 'hex');

/** Sends the AP-REQ as gss-client does; true when the server answered with a context token. */
function sendApReq(port: number, apReq: Uint8Array): Promise<'accepted' | 'refused'> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let answered: 'accepted' | 'refused' = 'refused';
    s.on('connect', () => {
      s.write(encodeFrame(TOKEN_NOOP | TOKEN_CONTEXT_NEXT, new Uint8Array(0)));
      s.write(encodeFrame(TOKEN_CONTEXT, apReq));
    });
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const f = decodeFrame(new Uint8Array(buf));
      if (!f) return;
      // RFC 4121 4.1: the krb5 OID, then the token id: 02 00 an AP-REP, 03 00 a KRB-ERROR.
      const t = Buffer.from(f.frame.token);
      const at = t.indexOf(KRB5_OID);
      const id = at < 0 ? -1 : t.readUInt16BE(at + KRB5_OID.length);
      answered = f.frame.flags & TOKEN_CONTEXT && id === 0x0200 ? 'accepted' : 'refused';
      s.end();
    });
    s.on('error', reject);
    s.on('close', () => resolve(answered));
  });
}

describe('gss server --rcache: two servers share one replay cache', {
  skip: interopSkip() || redisSkip(),
}, () => {
  let realm: Realm;
  let redis: RedisServer;
  const servers: Server[] = [];

  before(async () => {
    realm = await startRealm();
    redis = await startRedis();
    for (const k of ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME'] as const) process.env[k] = realm.env[k];
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await redis?.stop();
    await realm?.stop();
  });

  async function apReq(): Promise<Uint8Array> {
    const init = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mutual: true });
    const t = await init.step();
    assert.ok(t);
    return t;
  }

  async function pair(rcache: string): Promise<[Server, Server]> {
    const [a, b] = await Promise.all([startServer(realm, 'a', rcache), startServer(realm, 'b', rcache)]);
    servers.push(a, b);
    return [a, b];
  }

  async function crossReplays(a: Server, b: Server): Promise<void> {
    for (const [first, second] of [
      [a, b],
      [b, a],
    ]) {
      const t = await apReq();
      assert.equal(await sendApReq(first.port, t), 'accepted', first.stderr());
      assert.equal(await sendApReq(second.port, t), 'refused', 'a replay to the other server');
      assert.equal(await sendApReq(first.port, t), 'refused', 'and to the first');
      assert.equal(await sendApReq(second.port, await apReq()), 'accepted', 'a fresh one is fine');
    }
    await waitFor(() => /Request is a replay/.test(b.log()), 10_000, 'the replay logged');
  }

  it('Redis (redis://): an AP-REQ accepted by one is a replay to the other', async () => {
    const [a, b] = await pair(`${redis.url}/0`);
    await crossReplays(a, b);
  });

  it("MIT's file2 file: the same across two servers on one host", async () => {
    const [a, b] = await pair(`file2:${join(realm.dir, 'cli.rcache2')}`);
    await crossReplays(a, b);
    assert.ok(readFileSync(join(realm.dir, 'cli.rcache2')).length > 16);
  });

  it('fails closed while Redis is down', async () => {
    const [a] = servers;
    await redis.kill();
    try {
      assert.equal(await sendApReq(a.port, await apReq()), 'refused');
      await waitFor(() => /Replay cache I\/O operation failed/.test(a.log()), 10_000, 'the failure logged');
    } finally {
      await redis.start();
    }
  });

  it('refuses an unknown replay cache type at start, with MIT message', async () => {
    const r = spawn(
      process.execPath,
      ['--import', 'tsx', GSS_ENTRY, 'server', '--port', '1', '--rcache', 'FILE:/x', 'gsstest@localhost'],
      { env: { ...realm.env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    r.stderr?.on('data', (d) => {
      err += String(d);
    });
    const [code] = await once(r, 'exit');
    assert.equal(code, 1);
    assert.match(err, /gss server: replay cache 'FILE:\/x': Replay cache type 'FILE' is unknown/);
  });
});
