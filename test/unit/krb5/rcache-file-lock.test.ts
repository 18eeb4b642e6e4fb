/**
 * The file replay cache's lock channel (src/krb5/rcache/file-lock.ts): synchronous while nobody
 * else holds the lock, off the event loop while someone does, failing closed when the helper
 * dies and starting a new one afterwards.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import { FileReplayCache } from '../../../src/krb5/rcache/file.js';

const tagOf = (i: number) => {
  const t = new Uint8Array(12);
  new DataView(t.buffer).setUint32(0, i);
  t[11] = 0x5a;
  return t;
};
const turn = () => new Promise((r) => setImmediate(r));

/** Our children that run the lock helper for `path` (their argv names it). */
function helperPids(path: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${d}/cmdline`, 'latin1').split('\0');
      if (ppid === process.pid && argv[0] === 'perl' && argv.includes(path)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Another process holding a classic POSIX write lock on the whole file for `seconds`. */
function holdLock(path: string, seconds: number): { locked: Promise<void>; exited: Promise<void> } {
  const script = [
    'use Fcntl;',
    'sysopen(my $f, $ARGV[0], O_RDWR) or die;',
    "my $l = pack('s s x4 q q l x4', F_WRLCK, 0, 0, 0, 0);",
    'fcntl($f, F_SETLKW, $l) or die;',
    'syswrite(STDOUT, "locked\\n");',
    'select(undef, undef, undef, $ARGV[1]);',
  ].join(' ');
  const holder = spawn('perl', ['-e', script, path, String(seconds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => holder.once('exit', () => r()));
  const locked = new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    exited.then(() => reject(new Error('the lock holder exited')));
  });
  return { locked, exited };
}

describe('FileReplayCache lock channel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-rclock-test-'));
  const caches: FileReplayCache[] = [];
  after(() => {
    for (const c of caches) c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (name: string) => {
    const c = new FileReplayCache(join(dir, name));
    caches.push(c);
    return c;
  };

  it('answers synchronously once the helper runs, within a turn and across turns', async () => {
    const c = open('sync.rcache2');
    const now = Date.now();
    assert.equal(await c.checkAndStore(tagOf(1), now + 300_000, now), true, 'first: helper starts');
    for (let i = 2; i < 40; i++) {
      if (i % 8 === 0) await turn();
      assert.equal(c.checkAndStore(tagOf(i), now + 300_000, now), true, `store ${i} is a boolean`);
      assert.equal(c.checkAndStore(tagOf(i), now + 300_000, now), false, `replay ${i}`);
    }
  });

  it('waits off the event loop while another process holds the lock, then stores', async () => {
    const path = join(dir, 'held.rcache2');
    const c = open('held.rcache2');
    const now = Date.now();
    assert.equal(await c.checkAndStore(tagOf(1), now + 300_000, now), true);
    await turn();
    const holder = holdLock(path, 0.5);
    await holder.locked;
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const t0 = performance.now();
    const pending = c.checkAndStore(tagOf(2), now + 300_000, now);
    assert.ok(pending instanceof Promise, 'a contended store is a promise');
    assert.equal(await pending, true);
    clearInterval(ticker);
    const waited = performance.now() - t0;
    assert.ok(waited > 250, `waited for the holder (${waited.toFixed(0)} ms)`);
    assert.ok(ticks >= 3, `the event loop ran meanwhile (${ticks} ticks)`);
    await holder.exited;
  });

  it('fails closed with KRB5_RC_IO_IO when the helper dies waiting, then starts a new one', async () => {
    const path = join(dir, 'dies.rcache2');
    const c = open('dies.rcache2');
    const now = Date.now();
    assert.equal(await c.checkAndStore(tagOf(1), now + 300_000, now), true);
    await turn();
    const holder = holdLock(path, 1.5);
    await holder.locked;
    const pending = Promise.resolve(c.checkAndStore(tagOf(2), now + 300_000, now));
    await new Promise((r) => setTimeout(r, 100));
    const [pid] = helperPids(path);
    assert.ok(pid, 'the helper runs');
    process.kill(pid, 'SIGKILL');
    await assert.rejects(
      pending,
      (e: unknown) =>
        e instanceof GssError && e.minor === MINOR.KRB5_RC_IO_IO && /lock helper/.test(e.message),
    );
    await holder.exited;
    assert.equal(await c.checkAndStore(tagOf(1), now + 300_000, now), false, 'the file still remembers');
    assert.equal(await c.checkAndStore(tagOf(2), now + 300_000, now), true, 'never stored before');
    assert.equal(helperPids(path).length, 1, 'one new helper');
  });
});
