import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  encodeCcache,
  isConfigPrincipal,
  kdcTimeOffset,
  parseCcache,
  resolveCcache,
} from '../../src/krb5/ccache/index.js';
import { parsePrincipal, unparsePrincipal } from '../../src/krb5/principal.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { KLIST_ENV, klistCcache } from './files-klist.js';

describe('credential caches against MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
    realm.run(MIT_BIN.kvno, ['gsstest/localhost']);
  });
  after(async () => {
    await realm?.stop();
  });

  const klist = (name: string): string =>
    realm.run(MIT_BIN.klist, ['-e', '-f', '-C', '-c', name], { env: { ...realm.env, ...KLIST_ENV } });

  /** Copies a cache entry by entry through our API: initialize, then store in file order. */
  async function copyCache(from: string, to: string, keep = (_server: string) => true): Promise<void> {
    const cc = await resolveCcache(from).read();
    const dest = resolveCcache(to);
    await dest.initialize(cc.principal, { kdcTimeOffset: kdcTimeOffset(cc) });
    for (const c of cc.credentials) if (keep(unparsePrincipal(c.server))) await dest.store(c);
  }

  it('reads the cache of MIT kinit + kvno with the entries MIT klist -e -f -C shows', async () => {
    const cache = resolveCcache(realm.aliceCcache);
    const cc = await cache.read();
    assert.equal(cc.version, 4);
    assert.ok(kdcTimeOffset(cc), 'MIT kinit writes the KDC time offset tag');
    const names = cc.credentials.map((c) => unparsePrincipal(c.server));
    assert.ok(names.includes('krbtgt/TEST.GSS@TEST.GSS') && names.includes('gsstest/localhost@TEST.GSS'));
    assert.ok(
      cc.credentials.some((c) => isConfigPrincipal(c.server)),
      'config entries are kept',
    );
    assert.equal(klistCcache(realm.aliceCcache, cc), klist(realm.aliceCcache));
    const svc = await cache.retrieve(parsePrincipal('gsstest/localhost@TEST.GSS'), {
      validAt: Date.now() / 1000,
    });
    assert.equal(svc.key.enctype, 18);
  });

  it('re-writes it byte for byte, and MIT klist and kvno (from the cached ticket) accept the copy', async () => {
    const copy = `FILE:${join(realm.dir, 'copy.ccache')}`;
    await copyCache(realm.aliceCcache, copy);
    const original = readFileSync(realm.aliceCcache.slice(5));
    const ours = readFileSync(copy.slice(5));
    assert.deepEqual(ours, original);
    assert.equal(statSync(copy.slice(5)).mode & 0o777, 0o600);
    assert.equal(klist(copy), klist(realm.aliceCcache).replace(realm.aliceCcache, copy));
    const out = realm.run(MIT_BIN.kvno, ['-c', copy, 'gsstest/localhost']);
    assert.match(out, /gsstest\/localhost@TEST\.GSS: kvno = 1/);
    // kvno stores a ticket it had to fetch; the file is unchanged, so it used ours.
    assert.deepEqual(readFileSync(copy.slice(5)), ours);
  });

  it('writes a TGT-only cache that MIT kvno uses to get a service ticket, which we then read', async () => {
    const tgtOnly = `FILE:${join(realm.dir, 'tgt.ccache')}`;
    await copyCache(realm.aliceCcache, tgtOnly, (s) => !s.startsWith('gsstest/'));
    const before = parseCcache(new Uint8Array(readFileSync(tgtOnly.slice(5))));
    assert.equal(before.credentials.filter((c) => !isConfigPrincipal(c.server)).length, 1);
    realm.run(MIT_BIN.kvno, ['-c', tgtOnly, 'HTTP/localhost']);
    const after = await resolveCcache(tgtOnly).read();
    const http = after.credentials.find((c) => unparsePrincipal(c.server) === 'HTTP/localhost@TEST.GSS');
    assert.ok(http, 'MIT appended the HTTP ticket to our file');
    assert.equal(klistCcache(tgtOnly, after), klist(tgtOnly));
  });

  it('reads renewable, proxiable tickets (renew_till, flags) as MIT klist shows them', async () => {
    const name = `FILE:${join(realm.dir, 'renew.ccache')}`;
    const env = { ...realm.env, KRB5CCNAME: name };
    realm.run(MIT_BIN.kinit, ['-r', '2d', '-p', '-l', '3h', 'alice'], {
      input: `${realm.alicePassword}\n`,
      env,
    });
    realm.run(MIT_BIN.kvno, ['host/localhost'], { env });
    const cc = await resolveCcache(name).read();
    const tgt = cc.credentials.find((c) => unparsePrincipal(c.server) === 'krbtgt/TEST.GSS@TEST.GSS');
    assert.ok(tgt && tgt.renewTill > tgt.endtime && tgt.endtime - tgt.starttime === 3 * 3600);
    assert.ok(tgt.ticketFlags & 0x00800000 && tgt.ticketFlags & 0x10000000, 'renewable and proxiable');
    assert.equal(klistCcache(name, cc), klist(name));
  });

  it('writes config entries MIT reads back (klist -C)', async () => {
    const name = `FILE:${join(realm.dir, 'conf.ccache')}`;
    await copyCache(realm.aliceCcache, name);
    const cache = resolveCcache(name);
    await cache.setConfig('refresh_time', new TextEncoder().encode('1800000000'));
    await cache.setConfig(
      'pa_type',
      new TextEncoder().encode('138'),
      parsePrincipal('krbtgt/TEST.GSS@TEST.GSS'),
    );
    const out = klist(name);
    assert.match(out, /config: refresh_time = 1800000000\n/);
    assert.match(out, /config: pa_type\(krbtgt\/TEST\.GSS@TEST\.GSS\) = 138\n/);
    assert.doesNotMatch(out, /pa_type\(krbtgt\/TEST\.GSS@TEST\.GSS\) = 2\n/);
    assert.equal(klistCcache(name, await cache.read()), out);
  });
});

describe('credential cache versions 1 to 4 written by MIT (ccache_type)', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  for (const version of [1, 2, 3, 4]) {
    it(`reads and re-encodes a version ${version} cache from MIT kinit, and MIT reads ours`, async () => {
      const extra = join(realm.dir, `v${version}.conf`);
      writeFileSync(extra, `[libdefaults]\n  ccache_type = ${version}\n`);
      const name = `FILE:${join(realm.dir, `v${version}.ccache`)}`;
      const env = { ...realm.env, KRB5_CONFIG: `${extra}:${realm.krb5Conf}`, KRB5CCNAME: name };
      realm.run(MIT_BIN.kinit, ['alice'], { input: `${realm.alicePassword}\n`, env });
      realm.run(MIT_BIN.kvno, ['gsstest/localhost'], { env });
      const bytes = new Uint8Array(readFileSync(name.slice(5)));
      assert.equal(bytes[1], version);
      const cc = parseCcache(bytes);
      assert.equal(cc.version, version);
      assert.deepEqual(encodeCcache(cc), bytes);
      const out = realm.run(MIT_BIN.klist, ['-e', '-f', '-C', '-c', name], { env: { ...env, ...KLIST_ENV } });
      assert.equal(klistCcache(name, cc), out);
      // Our copy, written in the same version, is used by MIT kvno without asking the KDC.
      const copy = `FILE:${join(realm.dir, `v${version}-copy.ccache`)}`;
      writeFileSync(copy.slice(5), encodeCcache(cc));
      assert.match(realm.run(MIT_BIN.kvno, ['-c', copy, 'gsstest/localhost'], { env }), /kvno = 1/);
      assert.deepEqual(new Uint8Array(readFileSync(copy.slice(5))), bytes);
    });
  }
});
