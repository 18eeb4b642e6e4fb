/**
 * arcfour-hmac (RFC 4757) is opt-in: allow_rc4 gates every enctype list, and a process without
 * OpenSSL's legacy provider gets one error naming the flag and the setting. The known-answer
 * tests need RC4 and MD4, so they run in a child started with --openssl-legacy-provider
 * (./rc4-kat.legacy.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnctypeList, stringToKey } from '../../../src/crypto/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import { settingsFromProfile } from '../../../src/krb5/kdc-client/settings.js';
import { legacyProviderLoaded, runWithLegacyProvider } from '../../harness/legacy-provider.js';

describe('RC4-HMAC opt-in (allow_rc4)', () => {
  it('leaves arcfour-hmac out of every enctype list unless allowRc4', () => {
    assert.deepEqual(parseEnctypeList('DEFAULT'), [18, 17, 20, 19]);
    assert.deepEqual(parseEnctypeList('rc4 arcfour-hmac rc4-hmac arcfour-hmac-md5'), []);
    assert.deepEqual(parseEnctypeList('DEFAULT', { allowRc4: true }), [18, 17, 20, 19, 23]);
    assert.deepEqual(parseEnctypeList('rc4-hmac aes256-cts', { allowRc4: true }), [23, 18]);
    assert.deepEqual(parseEnctypeList('DEFAULT -rc4', { allowRc4: true }), [18, 17, 20, 19]);
  });
  it('reads allow_rc4 from [libdefaults] with profile booleans', () => {
    const profile = (lines: Record<string, string>) => (section: string, name?: string) =>
      section === 'libdefaults' && name !== undefined && lines[name] !== undefined ? [lines[name]] : [];
    assert.ok(!settingsFromProfile(profile({})).permittedEnctypes.includes(23));
    const on = settingsFromProfile(profile({ allow_rc4: 'yes' }));
    assert.deepEqual(on.permittedEnctypes, [18, 17, 20, 19, 23]);
    assert.deepEqual(on.defaultTktEnctypes, [18, 17, 20, 19, 23]);
    const only = settingsFromProfile(profile({ allow_rc4: 'true', permitted_enctypes: 'rc4-hmac' }));
    assert.deepEqual(only.defaultTgsEnctypes, [23]);
    // permitted_enctypes naming RC4 is not enough without allow_rc4.
    assert.deepEqual(
      settingsFromProfile(profile({ permitted_enctypes: 'rc4-hmac aes' })).permittedEnctypes,
      [18, 17, 20, 19],
    );
  });
  it('names --openssl-legacy-provider and allow_rc4 when OpenSSL lacks RC4/MD4', {
    skip: legacyProviderLoaded() && 'this process has the legacy provider',
  }, () => {
    assert.throws(
      () => stringToKey(23, 'password', ''),
      (e: unknown) =>
        e instanceof GssError &&
        e.minor === MINOR.KRB5_PROG_ETYPE_NOSUPP &&
        /--openssl-legacy-provider/.test(e.message) &&
        /allow_rc4/.test(e.message),
    );
  });
  it('passes the known-answer tests under --openssl-legacy-provider (child process)', () => {
    const r = runWithLegacyProvider(new URL('./rc4-kat.legacy.ts', import.meta.url).href);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.ok(r.pass > 0 && r.fail === 0 && r.skipped === 0, r.stdout);
  });
});
