import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseKeytab } from '../../../src/krb5/keytab/index.js';
import { type CapturedMessages, FIXTURE_FILES } from '../../harness/capture-messages.js';
import { ALICE_PASSWORD } from '../../harness/realm.js';
import { checkCaptured } from './captured.js';

const DIR = join('test', 'fixtures', 'messages');

export function loadFixtures(): CapturedMessages {
  const out: Partial<Record<keyof CapturedMessages, Uint8Array>> = {};
  for (const [k, f] of Object.entries(FIXTURE_FILES)) {
    const p = join(DIR, f);
    if (existsSync(p)) out[k as keyof CapturedMessages] = new Uint8Array(readFileSync(p));
  }
  return out as CapturedMessages;
}

describe('messages captured from MIT krb5 1.20 (test/fixtures/messages)', () => {
  it('decode with the expected fields, re-encode byte for byte, and open with the realm keys', () => {
    checkCaptured(loadFixtures(), {
      realm: 'TEST.GSS',
      alicePassword: ALICE_PASSWORD,
      serviceKeytab: parseKeytab(new Uint8Array(readFileSync(join(DIR, 'gsstest.keytab')))),
    });
  });
});
