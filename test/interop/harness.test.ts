import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMitGssServer } from '../harness/gss-server.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';

describe('live MIT realm harness', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  it('gets a service ticket from the MIT KDC with MIT kvno', () => {
    const out = realm.run(MIT_BIN.kvno, ['gsstest/localhost']);
    assert.match(out, /gsstest\/localhost@TEST\.GSS: kvno = \d+/);
    const list = realm.run(MIT_BIN.klist, ['-e']);
    assert.match(list, /krbtgt\/TEST\.GSS@TEST\.GSS/);
    assert.match(list, /gsstest\/localhost@TEST\.GSS/);
  });

  it('writes service keytabs with the four AES enctypes', () => {
    const out = realm.run(MIT_BIN.klist, ['-k', '-e', realm.keytabs.gsstest]);
    for (const e of [
      'aes256-cts-hmac-sha1-96',
      'aes128-cts-hmac-sha1-96',
      'aes256-cts-hmac-sha384-192',
      'aes128-cts-hmac-sha256-128',
    ]) {
      assert.ok(out.includes(e), `${e} in ${out}`);
    }
  });

  it('runs MIT gss-server -inetd on loopback for MIT gss-client', async () => {
    const srv = await startMitGssServer(realm);
    try {
      const r = await realm.exec(MIT_BIN.gssClient, [
        '-port',
        String(srv.port),
        'localhost',
        'gsstest@localhost',
        'hello',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Signature verified/);
      await srv.idle();
      assert.match(srv.log(), /Received message: "hello"/);
    } finally {
      await srv.stop();
    }
  });
});
