/**
 * Fresh messages from the live MIT realm (through the recording proxy), over UDP and over TCP:
 * the same decode, byte-exact re-encode and decrypt checks as the fixtures.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parseKeytab } from '../../src/krb5/keytab/index.js';
import { captureMessages } from '../harness/capture-messages.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { checkCaptured } from '../unit/messages/captured.js';

describe('RFC 4120 messages from the live MIT KDC', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  const keys = () => ({
    realm: realm.realm,
    alicePassword: realm.alicePassword,
    serviceKeytab: parseKeytab(new Uint8Array(readFileSync(realm.keytabs.gsstest))),
  });

  it('over UDP: decode, re-encode byte for byte, open with the realm keys', async () => {
    const transports = new Set<string>();
    checkCaptured(await captureMessages(realm, transports), keys());
    assert.deepEqual([...transports], ['udp']);
  });

  it('over TCP (udp_preference_limit = 1): the same', async () => {
    realm.writeKrb5Conf(['udp_preference_limit = 1']);
    try {
      const transports = new Set<string>();
      checkCaptured(await captureMessages(realm, transports), keys());
      assert.deepEqual([...transports], ['tcp']);
    } finally {
      realm.writeKrb5Conf();
    }
  });
});
