/**
 * The Active Directory pieces of the client's settings and replies: canonicalize and [capaths]
 * from krb5.conf, a realm typed in another case finding its KDCs, and the password-expiry
 * warning as MIT's warn_pw_expiry words it (docs/active-directory.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Profile } from '../../../src/krb5/config/profile.js';
import { passwordExpiryWarning } from '../../../src/krb5/kdc-client/expiry.js';
import { clientConfigFromProfile } from '../../../src/krb5/kdc-client/load.js';

const settings = (text: string) => clientConfigFromProfile(Profile.parse(text)).settings;

describe('AD settings', () => {
  const s = settings(
    [
      '[libdefaults]',
      ' canonicalize = true',
      '[realms]',
      ' AD.EXAMPLE.TEST = {',
      '  kdc = 10.0.0.1',
      ' }',
      ' ad.example.test = {',
      ' }',
      ' OTHER.TEST = {',
      '  kdc = 10.0.0.9',
      ' }',
      '[capaths]',
      ' AD.EXAMPLE.TEST = {',
      '  OTHER.TEST = MID.TEST',
      ' }',
    ].join('\n'),
  );
  it('canonicalize and capaths', () => {
    assert.equal(s.canonicalize, true);
    assert.deepEqual(s.capaths('AD.EXAMPLE.TEST', 'OTHER.TEST'), ['MID.TEST']);
    assert.deepEqual(s.capaths('OTHER.TEST', 'AD.EXAMPLE.TEST'), []);
    assert.equal(settings('').canonicalize, false);
  });
  it('a realm in another case takes the KDCs of the realm that matches it; an exact one wins', () => {
    assert.deepEqual(s.kdcLines('Ad.Example.Test'), ['10.0.0.1']);
    assert.deepEqual(s.kdcLines('other.test'), ['10.0.0.9']);
    assert.deepEqual(s.kdcLines('NOWHERE.TEST'), []);
  });
});

describe("password expiry warning (MIT's warn_pw_expiry)", () => {
  const now = 1_800_000_000;
  const ctime = (t: number) => `T${t}`;
  it('from LastReq: always, in days, hours or under an hour', () => {
    const w = (delta: number) =>
      passwordExpiryWarning({ passwordExpiration: now + delta, fromLastReq: true }, now, ctime);
    assert.equal(
      w(41 * 86400 + 5),
      `Warning: Your password will expire in 41 days on T${now + 41 * 86400 + 5}`,
    );
    assert.equal(w(3 * 3600), `Warning: Your password will expire in 3 hours on T${now + 3 * 3600}`);
    assert.equal(w(3700), `Warning: Your password will expire in 1 hour on T${now + 3700}`);
    assert.equal(w(60), `Warning: Your password will expire in less than one hour on T${now + 60}`);
  });
  it('from key-expiration: only within the last week; nothing without a time', () => {
    const w = (delta: number) =>
      passwordExpiryWarning({ passwordExpiration: now + delta, fromLastReq: false }, now, ctime);
    assert.equal(w(8 * 86400), undefined);
    assert.equal(w(-5), undefined);
    assert.match(w(6 * 86400) ?? '', /in 6 days/);
    assert.equal(passwordExpiryWarning({ fromLastReq: true }, now, ctime), undefined);
  });
});
