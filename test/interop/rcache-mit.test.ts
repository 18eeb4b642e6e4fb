/**
 * One replay cache file shared with MIT krb5 1.20 (python3-gssapi's acceptor with
 * KRB5RCACHENAME=file2:PATH): an AP-REQ MIT accepted is refused as a replay by our acceptor on
 * the same file, and the reverse; the same AP-REQ is accepted by ours with a cache of its own (so
 * the refusal is the file's doing); a lock taken as MIT takes it (an OFD write lock) holds our
 * store back until it is released.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { FileReplayCache } from '../../src/krb5/rcache/file.js';
import { MemoryReplayCache } from '../../src/krb5/rcache/memory.js';
import type { ReplayCache } from '../../src/krb5/rcache/replay-cache.js';
import { toHex } from '../../src/util/bytes.js';
import { interopSkip, MIT_BIN, type Realm, startRealm, track } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type MitPeer, startMitPeer } from './context-peer.js';

describe('replay cache file shared with MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  let peer: MitPeer;
  let rcPath: string;
  let shared: FileReplayCache;
  let restoreEnv = () => {};

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    rcPath = join(realm.dir, 'shared.rcache2');
    peer = startMitPeer({ ...realm.env, KRB5RCACHENAME: `file2:${rcPath}` });
    shared = new FileReplayCache(rcPath);
  });
  after(async () => {
    shared?.close();
    await peer?.close();
    restoreEnv();
    // FIXTURE=1 keeps the file MIT and we wrote, for test/fixtures/files/mit.rcache2.
    if (process.env.FIXTURE && existsSync(rcPath)) copyFileSync(rcPath, 'test/fixtures/files/mit.rcache2');
    await realm?.stop();
  });

  async function apReq(): Promise<Uint8Array> {
    const init = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), mutual: true });
    const t = await init.step();
    assert.ok(t);
    return t;
  }

  async function oursAccept(token: Uint8Array, replayCache: ReplayCache): Promise<void> {
    const credentials = await Credentials.acquire({ usage: 'accept', replayCache });
    const acc = SecurityContext.accept({ credentials });
    await acc.step(token);
    assert.equal(acc.isEstablished, true);
  }

  async function mitAccept(token: Uint8Array): Promise<{ major: number; minor: number } | undefined> {
    await peer.ok({ op: 'accept' });
    const r = await peer.call({ op: 'step', token: toHex(token) });
    if (r.error) return r.error;
    assert.equal(r.complete, true);
    return undefined;
  }

  const isReplay = (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5KRB_AP_ERR_REPEAT;

  it('an AP-REQ MIT accepted is a replay to ours on the same file, not to a cache of its own', async () => {
    for (let i = 0; i < 3; i++) {
      const t = await apReq();
      assert.equal(await mitAccept(t), undefined);
      await assert.rejects(oursAccept(t, shared), isReplay);
      await oursAccept(t, new MemoryReplayCache());
    }
  });

  it('an AP-REQ ours accepted is a replay to MIT', async () => {
    for (let i = 0; i < 3; i++) {
      const t = await apReq();
      await oursAccept(t, shared);
      const err = await mitAccept(t);
      assert.ok(err, 'MIT refuses it');
      assert.equal(err.minor >>> 0, MINOR.KRB5KRB_AP_ERR_REPEAT, JSON.stringify(err));
      // And MIT's own replay detection agrees when it saw it first.
      const t2 = await apReq();
      assert.equal(await mitAccept(t2), undefined);
      assert.equal((await mitAccept(t2))?.minor, MINOR.KRB5KRB_AP_ERR_REPEAT);
    }
  });

  it('waits for a lock held as MIT holds it (fcntl OFD write lock on the whole file)', async () => {
    // python3: open the file, F_OFD_SETLKW a write lock, say so, hold it 600 ms, exit.
    const script = [
      'import fcntl, os, struct, sys, time',
      'fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)',
      "fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack('hhqqi4x', fcntl.F_WRLCK, 0, 0, 0, 0))",
      "print('locked', flush=True)",
      'time.sleep(0.6)',
    ].join('\n');
    const holder = track(
      spawn(MIT_BIN.python3, ['-c', script, rcPath], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    const t0 = performance.now();
    const t = await apReq();
    await oursAccept(t, shared);
    const waited = performance.now() - t0;
    assert.ok(waited > 300, `the store waited for the lock (${waited.toFixed(0)} ms)`);
    await new Promise((r) => (holder.exitCode === null ? holder.once('exit', r) : r(undefined)));
  });
});
