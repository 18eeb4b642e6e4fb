import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Profile } from '../../../src/krb5/config/profile.js';
import { clientConfigFromProfile } from '../../../src/krb5/kdc-client/load.js';

const conf = (libdefaults: string, realms = '') =>
  clientConfigFromProfile(Profile.parse(`[libdefaults]\n${libdefaults}\n[realms]\n${realms}\n`));

describe('KDC client settings from krb5.conf', () => {
  it("uses MIT's defaults when relations are absent", () => {
    const s = conf('').settings;
    assert.equal(s.defaultRealm, undefined);
    assert.equal(s.clockskew, 300);
    assert.equal(s.ticketLifetime, 86400);
    assert.equal(s.renewLifetime, 0);
    assert.equal(s.forwardable, false);
    assert.equal(s.udpPreferenceLimit, 1465);
    assert.equal(s.dnsLookupKdc, true);
    assert.deepEqual(s.defaultTktEnctypes, [18, 17, 20, 19]);
    assert.deepEqual(s.kdcLines('R'), []);
  });

  it('reads the relations a client uses, filtering request enctypes by permitted_enctypes', () => {
    const c = conf(
      [
        ' default_realm = R.TEST',
        ' clockskew = 5m',
        ' ticket_lifetime = 10h',
        ' renew_lifetime = 7d',
        ' forwardable = yes',
        ' udp_preference_limit = 1',
        ' dns_lookup_kdc = false',
        ' permitted_enctypes = aes256-cts-hmac-sha1-96 aes128-sha2',
        ' default_tkt_enctypes = aes128-cts aes128-sha2 aes256-cts',
        ' default_ccache_name = FILE:/tmp/cc_%{uid}',
        ' default_keytab_name = FILE:/tmp/kt',
      ].join('\n'),
      ' R.TEST = {\n  kdc = 10.0.0.1\n  kdc = 10.0.0.2:750\n }',
    );
    const s = c.settings;
    assert.equal(s.defaultRealm, 'R.TEST');
    assert.equal(s.clockskew, 300);
    assert.equal(s.ticketLifetime, 36000);
    assert.equal(s.renewLifetime, 7 * 86400);
    assert.equal(s.forwardable, true);
    assert.equal(s.udpPreferenceLimit, 1);
    assert.equal(s.dnsLookupKdc, false);
    assert.deepEqual(s.permittedEnctypes, [18, 19]);
    assert.deepEqual(s.defaultTktEnctypes, [19, 18]);
    assert.deepEqual(s.kdcLines('R.TEST'), ['10.0.0.1', '10.0.0.2:750']);
    assert.equal(c.ccacheDefaults.defaultCcacheName, 'FILE:/tmp/cc_%{uid}');
    assert.equal(c.keytabDefaults.defaultKeytabName, 'FILE:/tmp/kt');
  });
});
