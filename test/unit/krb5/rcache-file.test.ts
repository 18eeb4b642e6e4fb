import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import { defaultReplayCache, dflPath, resolveReplayCache } from '../../../src/krb5/rcache/default.js';
import { FileReplayCache } from '../../../src/krb5/rcache/file.js';
import { file2Store } from '../../../src/krb5/rcache/file2.js';
import { MemoryReplayCache } from '../../../src/krb5/rcache/memory.js';
import { mod64, siphash24 } from '../../../src/krb5/rcache/siphash.js';
import { memFile } from './mem-file.js';

const seq = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
const tagOf = (i: number) => {
  const t = new Uint8Array(16);
  new DataView(t.buffer).setUint32(0, i);
  t[15] = 0xee;
  return t;
};
const fixedSeed = (n: number) => seq(n);

describe('SipHash-2-4', () => {
  it('gives the reference vectors (key 00..0f)', () => {
    // siphash.pdf appendix A: 15 bytes 00..0e; the reference implementation's vectors.h: empty.
    assert.deepEqual(siphash24(seq(15), seq(16)), [0xa129ca61, 0x49be45e5]);
    assert.deepEqual(siphash24(new Uint8Array(0), seq(16)), [0x726fdb47, 0xdd0e0e31]);
    // vectors.h, 8 bytes 00..07: 62 24 93 9a 79 f5 f5 93 (the 64-bit value little-endian)
    assert.deepEqual(siphash24(seq(8), seq(16)), [0x93f5f579, 0x9a932462]);
  });

  it('reduces 64-bit values as BigInt does', () => {
    for (let i = 0; i < 2000; i++) {
      const h = siphash24(tagOf(i), seq(16));
      const v = (BigInt(h[0]) << 32n) | BigInt(h[1]);
      for (const n of [1023, 2048, 4096, 1 << 20, 0x7fffffff])
        assert.equal(mod64(h, n), Number(v % BigInt(n)));
    }
  });
});

describe('file2 store (MIT rc_file2.c)', () => {
  it('writes the seed, then the 12-byte tag and big-endian time at SipHash(tag) mod 1023', () => {
    const f = memFile();
    const tag = tagOf(7);
    assert.equal(file2Store(f, tag, 1_000_000, 300, fixedSeed), true);
    const b = f.bytes();
    assert.deepEqual(b.subarray(0, 16), seq(16));
    const slot = mod64(siphash24(tag.subarray(0, 12), seq(16)), 1023);
    const rec = b.subarray(16 + slot * 16, 16 + slot * 16 + 16);
    assert.deepEqual(rec.subarray(0, 12), tag.subarray(0, 12));
    assert.equal(new DataView(rec.buffer, rec.byteOffset).getUint32(12), 1_000_000);
    assert.equal(file2Store(f, tag, 1_000_001, 300, fixedSeed), false, 'a replay');
    // Only the first 12 bytes count, as in MIT.
    const sameFirst12 = tag.slice();
    sameFirst12[15] ^= 1;
    assert.equal(file2Store(f, sameFirst12, 1_000_002, 300, fixedSeed), false);
  });

  it('pads a short tag with zeros', () => {
    const f = memFile();
    assert.equal(file2Store(f, Uint8Array.of(1, 2, 3), 10, 5, fixedSeed), true);
    assert.equal(file2Store(f, Uint8Array.of(1, 2, 3, 0, 0), 10, 5, fixedSeed), false);
  });

  it('reuses expired slots: one table however many stores (t_rcfile2 expiry)', () => {
    const f = memFile();
    let t = 1000;
    for (let i = 0; i < 3000; i++, t += 10) assert.equal(file2Store(f, tagOf(i), t, 5, fixedSeed), true);
    assert.ok(f.bytes().length <= 1024 * 16, `size ${f.bytes().length}`);
  });

  it('grows into further tables when the first is full, and finds every tag there', () => {
    const f = memFile();
    for (let i = 0; i < 4000; i++) assert.equal(file2Store(f, tagOf(i), 1000, 100, fixedSeed), true);
    assert.ok(f.bytes().length > 1024 * 16);
    for (let i = 0; i < 4000; i++)
      assert.equal(file2Store(f, tagOf(i), 1000, 100, fixedSeed), false, `tag ${i}`);
  });

  it('takes any bytes as a file: garbage reads as records, a short seed is replaced', () => {
    const f = memFile(Uint8Array.of(1, 2, 3));
    assert.equal(file2Store(f, tagOf(1), 50, 5, fixedSeed), true);
    assert.deepEqual(f.bytes().subarray(0, 16), seq(16));
  });
});

describe('FileReplayCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-rc-'));
  const caches: FileReplayCache[] = [];
  after(() => {
    for (const c of caches) c.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (path: string, lock?: 'none') => {
    const c = new FileReplayCache(path, lock ? { lock } : {});
    caches.push(c);
    return c;
  };

  it('refuses a replay across two caches (two lock helpers) on one file, mode 0600', async () => {
    const path = join(dir, 'a.rcache2');
    const a = open(path);
    const b = open(path);
    const now = Date.now();
    assert.equal(await a.checkAndStore(tagOf(1), now + 300_000, now), true);
    assert.equal(await b.checkAndStore(tagOf(1), now + 300_000, now), false);
    assert.equal(await b.checkAndStore(tagOf(2), now + 300_000, now), true);
    assert.equal(await a.checkAndStore(tagOf(2), now + 300_000, now), false);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('accepts exactly one of many concurrent stores of one tag from two caches', async () => {
    const path = join(dir, 'race.rcache2');
    const a = open(path);
    const b = open(path);
    const now = Date.now();
    for (let round = 0; round < 20; round++) {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? a : b).checkAndStore(tagOf(1000 + round), now + 300_000, now),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${results}`);
    }
  });

  it('fails with a GssError (errno minor) when the file cannot be opened', async () => {
    const c = open(join(dir, 'no-such-dir', 'x.rcache2'), 'none');
    await assert.rejects(
      Promise.resolve(c.checkAndStore(tagOf(1), 10_000, 0)),
      (e: unknown) => e instanceof GssError && e.minor === 2,
    );
  });

  it('refuses a symbolic link as the dfl type does (ELOOP), follows it for file2 as MIT does', async () => {
    const target = join(dir, 'target.rcache2');
    const link = join(dir, 'link.rcache2');
    symlinkSync(target, link);
    const dfl = new FileReplayCache(link, { dfl: true });
    caches.push(dfl);
    const now = Date.now();
    await assert.rejects(
      Promise.resolve(dfl.checkAndStore(tagOf(1), now + 300_000, now)),
      (e: unknown) => e instanceof GssError && e.minor === 40,
    );
    assert.equal(await open(link).checkAndStore(tagOf(1), now + 300_000, now), true);
    assert.equal(await open(target).checkAndStore(tagOf(1), now + 300_000, now), false);
  });

  it('is MIT-compatible on a file written by the algorithm directly', async () => {
    const path = join(dir, 'pre.rcache2');
    const f = memFile();
    file2Store(f, tagOf(5), Math.floor(Date.now() / 1000), 300, fixedSeed);
    writeFileSync(path, f.bytes());
    const now = Date.now();
    assert.equal(await open(path, 'none').checkAndStore(tagOf(5), now + 300_000, now), false);
    assert.deepEqual(new Uint8Array(readFileSync(path)).subarray(0, 16), seq(16));
  });
});

describe('replay cache names (MIT k5_rc_default / k5_rc_resolve)', () => {
  const keys = ['KRB5RCACHENAME', 'KRB5RCACHETYPE', 'KRB5RCACHEDIR', 'TMPDIR'] as const;
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  after(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('resolves dfl:, file2:PATH and none:, and refuses others', () => {
    const euid = process.geteuid?.() ?? 0;
    assert.equal(dflPath({ KRB5RCACHEDIR: '/x' }), `/x/krb5_${euid}.rcache2`);
    assert.equal(dflPath({ TMPDIR: '/t' }), `/t/krb5_${euid}.rcache2`);
    assert.equal(dflPath({}), `/var/tmp/krb5_${euid}.rcache2`);
    const f = resolveReplayCache('file2:/some/where');
    assert.ok(f instanceof FileReplayCache && f.path === '/some/where');
    assert.equal(resolveReplayCache('none:').checkAndStore(tagOf(1), 1, 0), true);
    assert.throws(
      () => resolveReplayCache('FILE:/x'),
      (e: GssError) => e.minor === MINOR.KRB5_RC_TYPE_NOTFOUND,
    );
    assert.throws(
      () => resolveReplayCache('nocolon'),
      (e: GssError) => e.minor === MINOR.KRB5_RC_PARSE,
    );
  });

  it('defaults to memory, and follows KRB5RCACHENAME, then KRB5RCACHETYPE', () => {
    for (const k of keys) delete process.env[k];
    assert.ok(defaultReplayCache() instanceof MemoryReplayCache);
    process.env.KRB5RCACHETYPE = 'none';
    assert.equal(defaultReplayCache().checkAndStore(tagOf(1), 1, 0), true);
    assert.equal(defaultReplayCache().checkAndStore(tagOf(1), 1, 0), true);
    process.env.KRB5RCACHENAME = 'file2:/tmp/somewhere.rcache2';
    const c = defaultReplayCache();
    assert.ok(c instanceof FileReplayCache && c.path === '/tmp/somewhere.rcache2');
    assert.equal(defaultReplayCache(), c, 'kept while the name stays');
    process.env.KRB5RCACHENAME = 'dfl:';
    process.env.KRB5RCACHEDIR = '/d';
    const d = defaultReplayCache();
    assert.ok(d instanceof FileReplayCache && d.path === `/d/krb5_${process.geteuid?.() ?? 0}.rcache2`);
  });
});
