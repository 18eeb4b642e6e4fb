/**
 * The JavaScript HMAC-SHA1/SHA256 of small inputs (src/crypto/sha-small.ts) against OpenSSL's
 * (node:crypto createHmac) for every input length it takes, split into parts at random, with
 * random keys of the derived-key sizes, and RFC 2202 / RFC 4231 test case 2 ("Jefe").
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { padStates, SMALL_MAC_MAX, type SmallHash, smallHmac } from '../../../src/crypto/sha-small.js';
import { toHex } from '../../../src/util/bytes.js';

function split(data: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < data.length) {
    const n = 1 + Math.floor(Math.random() * (data.length - at));
    parts.push(data.subarray(at, at + n));
    at += n;
  }
  return parts;
}

describe('smallHmac', () => {
  for (const hash of ['sha1', 'sha256'] as SmallHash[]) {
    it(`equals OpenSSL's HMAC-${hash} for every length 0..${SMALL_MAC_MAX}`, () => {
      for (const keyBytes of [16, 24, 32, 64]) {
        const key = new Uint8Array(randomBytes(keyBytes));
        const s = padStates(hash, key);
        for (let n = 0; n <= SMALL_MAC_MAX; n++) {
          const data = new Uint8Array(randomBytes(n));
          const want = toHex(createHmac(hash, key).update(data).digest());
          assert.equal(toHex(smallHmac(s, split(data), n)), want, `${hash} key ${keyBytes} length ${n}`);
        }
      }
    });
  }

  it('matches RFC 2202 and RFC 4231 test case 2', () => {
    const key = new TextEncoder().encode('Jefe');
    const data = new TextEncoder().encode('what do ya want for nothing?');
    assert.equal(
      toHex(smallHmac(padStates('sha1', key), [data], data.length)),
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
    assert.equal(
      toHex(smallHmac(padStates('sha256', key), [data], data.length)),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('refuses inputs over the limit and keys over a block', () => {
    const s = padStates('sha1', new Uint8Array(16));
    assert.throws(() => smallHmac(s, [new Uint8Array(SMALL_MAC_MAX + 1)], SMALL_MAC_MAX + 1), RangeError);
    assert.throws(() => padStates('sha256', new Uint8Array(65)), RangeError);
  });
});
