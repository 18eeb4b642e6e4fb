import { describe, it } from 'node:test';
import { checkCaptured, fixtureKeys, loadFixtures } from './captured.js';

describe('messages captured from MIT krb5 1.20 (test/fixtures/messages)', () => {
  it('decode with the expected fields, re-encode byte for byte, and open with the realm keys', () => {
    checkCaptured(loadFixtures(), fixtureKeys());
  });
});
