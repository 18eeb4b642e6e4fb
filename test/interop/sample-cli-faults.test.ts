/**
 * `gss server` as a real process at its file-descriptor limit (issue 17): with `--logfile` and
 * `ulimit -n 64`, a hundred connections at once exhaust the descriptors; the listener logs the
 * failed accepts, keeps its log, and serves MIT gss-client once they are gone. Also the limits
 * in `gss server --help`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeFrame, TOKEN_CONTEXT_NEXT, TOKEN_NOOP } from '../../src/sample/protocol.js';
import { freePort } from '../harness/net.js';
import { interopSkip, MIT_BIN, type Realm, startRealm, track } from '../harness/realm.js';
import { GSS_ENTRY, waitFor } from './sample-realm.js';

describe('gss server at the descriptor limit', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  it('gss server --help documents the limits and their defaults', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', GSS_ENTRY, 'server', '--help'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    for (const flag of [
      '--max-token-size=BYTES',
      '--max-message-size=BYTES',
      '--handshake-timeout=SECONDS',
      '--idle-timeout=SECONDS',
      '--max-unauthenticated=N',
    ]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    assert.match(r.stdout, /--max-token-size=BYTES +largest frame before authentication .*\(default 65536\)/);
    assert.match(r.stdout, /--idle-timeout=SECONDS +close .*0: off.*\(default 0\)/);
  });

  it('EMFILE at ulimit -n 64 with --logfile: the listener survives and serves on', {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    const logfile = join(realm.dir, 'emfile.log');
    const cmd = `ulimit -n 64 && exec "$0" --import tsx "$1" server --port "$2" --logfile "$3" gsstest@localhost`;
    const child = track(
      spawn('bash', ['-c', cmd, process.execPath, GSS_ENTRY, String(port), logfile], {
        env: { ...realm.env, KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let err = '';
    child.stderr?.on('data', (d) => {
      err += String(d);
    });
    child.stdout?.resume();
    try {
      await waitFor(() => err.includes('starting...') || child.exitCode !== null, 20_000, 'gss server');
      assert.equal(child.exitCode, null, err);
      // A hundred connections that each send their first frame and wait: more than 64 descriptors.
      const hello = encodeFrame(TOKEN_NOOP | TOKEN_CONTEXT_NEXT, new Uint8Array(0));
      const socks: Socket[] = [];
      let dropped = 0;
      for (let i = 0; i < 100; i++) {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => {});
        s.on('close', () => dropped++);
        s.on('connect', () => s.write(hello));
        socks.push(s);
      }
      await waitFor(() => socks.every((s) => !s.connecting), 10_000, 'connects');
      await new Promise((r) => setTimeout(r, 1000));
      // libuv closes what it cannot accept (its EMFILE trick), so Node reports nothing: those
      // clients see their connection closed.
      assert.ok(dropped > 0, 'the descriptor limit was not reached');
      for (const s of socks) s.destroy();
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(child.exitCode, null, `gss server died: ${err}`);
      const r = await realm.exec(MIT_BIN.gssClient, [
        '-port',
        String(port),
        'localhost',
        'gsstest@localhost',
        'after EMFILE',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Signature verified\./);
      const logText = readFileSync(logfile, 'utf8');
      assert.match(logText, /^reading token flags: 0 bytes read$/m);
      assert.match(logText, /Received message: "after EMFILE"/);
    } finally {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
