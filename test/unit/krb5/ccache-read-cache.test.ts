/**
 * FILE ccaches are parsed once and kept while the file is unchanged (src/krb5/ccache/cache.ts):
 * every change is still seen at the next read (an in-place rewrite as MIT does it, a rename as we
 * do it, a deletion), and each caller gets keys of its own, so that wiping one (a deleted
 * context) leaves the next read intact.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import { PARSED_CCACHE_LIMIT } from '../../../src/krb5/ccache/cache.js';
import { type CachedCredential, encodeCcache, resolveCcache } from '../../../src/krb5/ccache/index.js';
import { parsePrincipal } from '../../../src/krb5/principal.js';

const alice = parsePrincipal('alice@R');

function cred(server: string, fill: number): CachedCredential {
  return {
    client: alice,
    server: parsePrincipal(server),
    key: { enctype: 18, keyvalue: new Uint8Array(32).fill(fill) },
    authtime: 1000,
    starttime: 1000,
    endtime: 2000,
    renewTill: 3000,
    isSkey: false,
    ticketFlags: 0,
    addresses: [],
    authdata: [],
    ticket: Uint8Array.of(0x61, 0x03, 0x02, 0x01, 0x05),
    secondTicket: new Uint8Array(0),
  };
}

describe('FILE ccache reads, cached by file identity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccache-read-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cc');
  const file = (creds: CachedCredential[]) =>
    encodeCcache({ version: 4, headerTags: [], principal: alice, credentials: creds });

  it('gives each read its own keys', async () => {
    writeFileSync(path, file([cred('krbtgt/R@R', 7)]));
    const cc = resolveCcache(`FILE:${path}`);
    const first = await cc.list();
    first[0].key.keyvalue.fill(0);
    const second = await cc.list();
    assert.deepEqual(second[0].key.keyvalue, new Uint8Array(32).fill(7));
    assert.notEqual(second[0].key, first[0].key);
  });

  it('sees an in-place rewrite of the same size, a store through another handle, and a deletion', async () => {
    writeFileSync(path, file([cred('krbtgt/R@R', 1)]));
    const cc = resolveCcache(`FILE:${path}`);
    assert.equal((await cc.list())[0].key.keyvalue[0], 1);
    // Same length, new bytes, written in place (MIT rewrites its file in place).
    await new Promise((r) => setTimeout(r, 5));
    writeFileSync(path, file([cred('krbtgt/R@R', 2)]));
    assert.equal((await cc.list())[0].key.keyvalue[0], 2);
    // Our own writer replaces the file (rename): another handle on the same name sees it.
    await resolveCcache(path).store(cred('HTTP/h@R', 3));
    assert.deepEqual(
      (await cc.list()).map((c) => c.key.keyvalue[0]),
      [2, 3],
    );
    unlinkSync(path);
    await assert.rejects(cc.list(), (e) => e instanceof GssError && e.minor === MINOR.KRB5_FCC_NOFILE);
    writeFileSync(path, file([cred('krbtgt/R@R', 4)]));
    assert.equal((await cc.list())[0].key.keyvalue[0], 4);
  });

  it('holds at most PARSED_CCACHE_LIMIT files open, however many caches are read', async () => {
    const openFds = () => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (let i = 0; i < PARSED_CCACHE_LIMIT * 3; i++) {
      const p = join(dir, `many-${i}`);
      writeFileSync(p, file([cred('krbtgt/R@R', i)]));
      assert.equal((await resolveCcache(p).list())[0].key.keyvalue[0], i);
    }
    assert.ok(openFds() - before <= PARSED_CCACHE_LIMIT, `${openFds() - before} more descriptors`);
    // An evicted file is read again correctly.
    assert.equal((await resolveCcache(join(dir, 'many-0')).list())[0].key.keyvalue[0], 0);
  });
});
