import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeKeytab, findKey, parseKeytab, readKeytab, writeKeytab } from '../../src/krb5/keytab/index.js';
import { parsePrincipal } from '../../src/krb5/principal.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { KLIST_ENV, keytabLine, klistBody } from './files-klist.js';

describe('keytab files against MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  const klistK = (path: string): string[] =>
    klistBody(
      realm.run(MIT_BIN.klist, ['-k', '-t', '-K', '-e', path], { env: { ...realm.env, ...KLIST_ENV } }),
    );

  it('reads keytabs written by kadmin.local ktadd with the entries MIT klist shows', async () => {
    for (const path of [realm.keytabs.services, realm.keytabs.alice, realm.keytabs.gsstest]) {
      const kt = await readKeytab(`FILE:${path}`);
      assert.ok(kt.entries.length >= 4);
      assert.deepEqual(kt.entries.map(keytabLine), klistK(path));
      // MIT's writer and ours agree byte for byte on the same entries.
      assert.deepEqual(encodeKeytab(kt.entries), new Uint8Array(readFileSync(path)));
    }
  });

  it('reads a keytab written by ktutil addent -password ... wkt', async () => {
    const path = join(realm.dir, 'ktutil.keytab');
    const r = await realm.exec(MIT_BIN.ktutil, [], {
      input: `addent -password -p alice -k 1 -e aes256-cts-hmac-sha1-96\n${realm.alicePassword}\nwkt ${path}\nquit\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    const kt = await readKeytab(path);
    assert.equal(kt.entries.length, 1);
    assert.deepEqual(kt.entries.map(keytabLine), klistK(path));
    // The password-derived key is the one kadmin stored for alice (ktadd -norandkey).
    const fromKadmin = await readKeytab(realm.keytabs.alice);
    const alice = parsePrincipal('alice@TEST.GSS');
    assert.deepEqual(kt.entries[0].key, findKey(fromKadmin, alice, 18).key);
  });

  it('reads a 32-bit kvno from MIT (modprinc -kvno 300), and MIT kvno -k accepts our copy', async () => {
    realm.kadmin('modprinc -kvno 300 HTTP/localhost');
    const path = join(realm.dir, 'http300.keytab');
    realm.kadmin(`ktadd -k ${path} -norandkey HTTP/localhost`);
    const kt = await readKeytab(path);
    assert.deepEqual(
      kt.entries.map((e) => e.kvno),
      [300, 300, 300, 300],
    );
    assert.deepEqual(kt.entries.map(keytabLine), klistK(path));
    const http = parsePrincipal('HTTP/localhost@TEST.GSS');
    assert.equal(findKey(kt, http, 18, 300).kvno, 300);
    assert.equal(findKey(kt, http, 17).kvno, 300);
    // Our copy of it serves MIT's kvno -k, which decrypts the new service ticket with it.
    const copy = join(realm.dir, 'http300-copy.keytab');
    await writeKeytab(copy, kt.entries);
    const out = realm.run(MIT_BIN.kvno, ['-k', copy, 'HTTP/localhost']);
    assert.match(out, /HTTP\/localhost@TEST\.GSS: kvno = 300, keytab entry valid/);
  });

  it('writes a keytab that MIT klist lists identically and MIT kinit -k -t uses', async () => {
    const src = await readKeytab(realm.keytabs.alice);
    // New timestamps, plus an entry whose kvno needs the 32-bit field.
    const entries = src.entries.map((e, i) => ({ ...e, timestamp: 1_800_000_000 + i }));
    entries.push({ ...entries[0], principal: parsePrincipal('bob/admin@TEST.GSS'), kvno: 300 });
    const path = join(realm.dir, 'ours.keytab');
    await writeKeytab(`FILE:${path}`, entries);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(klistK(path), entries.map(keytabLine));
    const ccache = `FILE:${join(realm.dir, 'kt-kinit.ccache')}`;
    realm.run(MIT_BIN.kinit, ['-k', '-t', path, '-c', ccache, 'alice']);
    assert.match(realm.run(MIT_BIN.klist, ['-c', ccache]), /krbtgt\/TEST\.GSS@TEST\.GSS/);
    // And our reader gets back exactly what we wrote.
    assert.deepEqual(parseKeytab(new Uint8Array(readFileSync(path))).entries, entries);
  });
});
