import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Name } from '../../../src/gssapi/names/names.js';
import { loadProfile, resolveDomainRealm } from '../../../src/krb5/profile-view.js';

describe('krb5.conf view of the GSS layer', () => {
  let dir: string;
  const saved = process.env.KRB5_CONFIG;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-profile-'));
    process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
  });
  after(() => {
    if (saved === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  function write(text: string, mtime: number): void {
    writeFileSync(join(dir, 'krb5.conf'), text);
    utimesSync(join(dir, 'krb5.conf'), mtime, mtime);
  }

  it('reads MIT defaults, [domain_realm] with suffixes, qualify_shortname', () => {
    write(
      `[libdefaults]
  default_realm = EX.COM
  qualify_shortname = corp.ex.com
  permitted_enctypes = aes128-cts-hmac-sha256-128 aes256-cts-hmac-sha1-96
[domain_realm]
  .ex.com = EX.COM
  special.ex.com = SPECIAL.COM
  ex.org = ORG.COM
`,
      1_000_000,
    );
    const v = loadProfile();
    assert.equal(v.defaultRealm, 'EX.COM');
    assert.equal(v.clockSkew, 300);
    assert.deepEqual(v.permittedEnctypes, [19, 18]);
    // default_tgs_enctypes falls back to permitted_enctypes (krb5_get_tgs_ktypes).
    assert.deepEqual(v.defaultTgsEnctypes, [19, 18]);
    assert.equal(resolveDomainRealm(v, 'special.ex.com'), 'SPECIAL.COM');
    assert.equal(resolveDomainRealm(v, 'www.ex.com'), 'EX.COM');
    assert.equal(resolveDomainRealm(v, 'ex.org'), 'ORG.COM');
    // MIT tries each suffix with and without its dot: www.ex.org, .ex.org, ex.org, ...
    assert.equal(resolveDomainRealm(v, 'www.ex.org'), 'ORG.COM');
    assert.equal(resolveDomainRealm(v, 'www.ex.net'), '');
    assert.equal(String(Name.hostbased('http@WWW')), 'http/www.corp.ex.com@EX.COM');
  });

  it('notices a changed file', () => {
    write('[libdefaults]\n  default_realm = OTHER\n  clockskew = 60\n', 2_000_000);
    const v = loadProfile();
    assert.equal(v.defaultRealm, 'OTHER');
    assert.equal(v.clockSkew, 60);
  });
});
