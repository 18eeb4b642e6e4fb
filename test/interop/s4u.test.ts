/**
 * Constrained delegation (MS-SFU) with MIT's KDC: `Credentials.impersonate` (S4U2Self) gives a
 * service alice's ticket to itself, accepted with the service's keytab (its PAC names alice);
 * S4U2Proxy to another service is refused by MIT 1.20's DB2 database (it keeps no delegation
 * lists), which must surface as a clear GssError. Samba's allowed delegation is in ad-s4u.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';

describe('S4U with MIT krb5', { skip: interopSkip() }, () => {
  let realm: Realm;
  let restoreEnv = () => {};
  before(async () => {
    realm = await startRealm();
    realm.kadmin('modprinc +ok_to_auth_as_delegate gsstest/localhost');
    restoreEnv = preserveEnv();
    process.env.KRB5_CONFIG = realm.krb5Conf;
  });
  after(async () => {
    restoreEnv();
    await realm?.stop();
  });

  const serviceCreds = () =>
    Credentials.acquire({
      usage: 'initiate',
      name: Name.principal('gsstest/localhost'),
      ccache: `FILE:${realm.dir}/svc-${Math.random().toString(16).slice(2)}.ccache`,
      clientKeytab: `FILE:${realm.keytabs.gsstest}`,
    });

  it('S4U2Self: the service holds a ticket from alice to itself, without her password', async () => {
    const svc = await serviceCreds();
    const alice = await Credentials.impersonate(svc, Name.principal('alice'));
    assert.equal(String(alice.name), `alice@${realm.realm}`);
    const client = SecurityContext.initiate({
      target: Name.principal('gsstest/localhost'),
      credentials: alice,
      mutual: true,
    });
    const server = SecurityContext.accept({
      credentials: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` }),
    });
    const token = await client.step();
    assert.ok(token);
    const reply = await server.step(token);
    assert.ok(reply);
    await client.step(reply);
    assert.equal(String(server.initiatorName), `alice@${realm.realm}`);
    assert.equal(server.pac?.clientName, 'alice');
  });

  it('S4U2Proxy refused by the KDC: a GssError naming constrained delegation', async () => {
    const svc = await serviceCreds();
    const alice = await Credentials.impersonate(svc, Name.principal('alice'));
    const client = SecurityContext.initiate({ target: Name.principal('HTTP/localhost'), credentials: alice });
    await assert.rejects(client.step(), (e: unknown) => {
      assert.ok(e instanceof GssError, String(e));
      assert.equal(e.major, GSS_S_FAILURE);
      assert.equal(e.minor, MINOR.KRB5KDC_ERR_BADOPTION, e.message);
      assert.match(
        e.message,
        /constrained delegation \(S4U2Proxy\) of gsstest\/localhost@TEST\.GSS for alice@TEST\.GSS to HTTP\/localhost@TEST\.GSS/,
      );
      return true;
    });
  });
});
