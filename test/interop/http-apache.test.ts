/**
 * negotiateFetch against Apache httpd + mod_auth_gssapi (MIT krb5 underneath) protecting a URL,
 * with a live MIT realm: the page with SPNEGO and Apache's mutual token verified, with a raw
 * krb5 token too, and with delegation; 401 without credentials; a server holding the wrong key
 * for HTTP/localhost makes negotiateFetch fail with a GssError naming the reason.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { negotiateFetch } from '../../src/http/index.js';
import { type Apache, apacheAvailable, startApache } from '../harness/apache.js';
import { AES_ENCTYPES, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

function skip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!apacheAvailable() && !process.env.CI) return 'apache2 and mod_auth_gssapi are not installed';
  return false;
}

describe('negotiateFetch against Apache httpd + mod_auth_gssapi', { skip: skip() }, () => {
  let realm: Realm;
  let apache: Apache;
  let restoreEnv = () => {};

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    apache = await startApache({
      keytab: realm.keytabs.http,
      krb5Conf: realm.krb5Conf,
      page: 'the protected page\n',
    });
  });
  after(async () => {
    await apache?.stop();
    restoreEnv();
    await realm?.stop();
  });

  const url = (path = '/private/page.txt') => `http://localhost:${apache.port}${path}`;

  it('gets the page; Apache authenticates itself and we verify it', async () => {
    const res = await negotiateFetch(url(), {}, { requireMutualAuth: true });
    assert.equal(res.status, 200, apache.errorLog());
    assert.equal(await res.text(), 'the protected page\n');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Negotiate oY/);
    assert.match(apache.errorLog(), /alice@TEST\.GSS|GSS/);
  });

  it('a raw krb5 token and a delegated TGT are accepted too', async () => {
    const raw = await negotiateFetch(url(), {}, { mech: 'krb5', requireMutualAuth: true });
    assert.equal(raw.status, 200, apache.errorLog());
    await raw.text();
    const deleg = await negotiateFetch(url(), {}, { delegate: true });
    assert.equal(deleg.status, 200);
    await deleg.text();
  });

  it('without credentials: 401 with a Negotiate challenge; public pages need none', async () => {
    const res = await fetch(url());
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Negotiate/);
    await res.text();
    const pub = await negotiateFetch(url('/public/page.txt'));
    assert.equal(pub.status, 200);
    assert.equal(await pub.text(), 'the protected page\n');
  });

  it('a server with the wrong key for HTTP/localhost: a clear GssError', async () => {
    // Same principal and kvno, keys from another password: the ticket does not decrypt there.
    const wrong = join(realm.dir, 'wrong-http.keytab');
    const lines = AES_ENCTYPES.map(
      (e) => `addent -password -p HTTP/localhost@${realm.realm} -k 1 -e ${e}\nnot-the-key-1\n`,
    ).join('');
    realm.run(MIT_BIN.ktutil, [], { input: `${lines}wkt ${wrong}\nquit\n` });
    const bad = await startApache({ keytab: wrong, krb5Conf: realm.krb5Conf });
    try {
      await assert.rejects(negotiateFetch(`http://localhost:${bad.port}/private/page.txt`), (e: unknown) => {
        assert.ok(e instanceof GssError, String(e));
        assert.match(
          e.message,
          /^HTTP@localhost: the server refused our Kerberos token: Decrypt integrity check failed/,
        );
        assert.equal(e.minor, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
        return true;
      });
    } finally {
      await bad.stop();
    }
  });
});
