/**
 * The short-input HMAC-SHA1 of src/crypto/sha1-small.ts (and MacKey's use of it) against
 * RFC 2202's HMAC-SHA1 test cases 1-5 and node:crypto's createHmac on random keys and inputs of
 * every length it takes, whole and split into parts.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MacKey } from '../../../src/crypto/primitives.js';
import { hmacSha1Small, SMALL_MAX, sha1PadStates } from '../../../src/crypto/sha1-small.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

function small(key: Uint8Array, parts: Uint8Array[]): string {
  const out = new Uint8Array(20);
  let n = 0;
  for (const p of parts) n += p.length;
  hmacSha1Small(sha1PadStates(key), parts, n, out);
  return toHex(out);
}

const enc = (s: string) => new TextEncoder().encode(s);

/** RFC 2202 section 3, test cases 1 to 5 (6 and 7 have 80-byte keys, longer than a block). */
const RFC2202: [Uint8Array, Uint8Array, string][] = [
  [new Uint8Array(20).fill(0x0b), enc('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
  [enc('Jefe'), enc('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  [new Uint8Array(20).fill(0xaa), new Uint8Array(50).fill(0xdd), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
  [
    fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    new Uint8Array(50).fill(0xcd),
    '4c9007f4026250c6bc8414f9bf50c86c2d7235da',
  ],
  [new Uint8Array(20).fill(0x0c), enc('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
];

describe('HMAC-SHA1 of short inputs (sha1-small.ts)', () => {
  it('RFC 2202 test cases 1-5', () => {
    for (const [key, data, want] of RFC2202) assert.equal(small(key, [data]), want);
  });

  it('equals createHmac for every length 0..SMALL_MAX, keys of 16, 20, 32 and 64 bytes, in parts', () => {
    for (const keyLength of [16, 20, 32, 64]) {
      for (let n = 0; n <= SMALL_MAX; n++) {
        const key = randomBytes(keyLength);
        const data = randomBytes(n);
        const want = createHmac('sha1', key).update(data).digest('hex');
        assert.equal(small(key, [data]), want, `key ${keyLength} n ${n}`);
        const a = n >> 2;
        const b = n >> 1;
        assert.equal(small(key, [data.subarray(0, a), data.subarray(a, b), data.subarray(b)]), want);
      }
    }
  });

  it('equals createHmac on 2000 random keys and inputs through MacKey (all three outputs)', () => {
    for (let i = 0; i < 2000; i++) {
      const keyBytes = randomBytes(i % 2 ? 16 : 32);
      const data = randomBytes(i % (SMALL_MAX + 1));
      const header = randomBytes(16);
      const want = createHmac('sha1', keyBytes).update(data).update(header).digest();
      const key = new MacKey(keyBytes);
      assert.deepEqual(Buffer.from(key.mac('sha1', [data, header])), want);
      const dst = new Uint8Array(12);
      key.macInto('sha1', [data, header], dst, 0, 12);
      assert.deepEqual(Buffer.from(dst), want.subarray(0, 12));
      assert.equal(key.macCheck('sha1', [data, header], want, 0, 12), true);
      const bad = Buffer.from(want);
      bad[i % 12] ^= 1 << (i % 8);
      assert.equal(key.macCheck('sha1', [data, header], bad, 0, 12), false);
    }
  });

  it('refuses a compared length beyond the digest or the source', () => {
    const keyBytes = randomBytes(16);
    const key = new MacKey(keyBytes);
    const data = [randomBytes(16)];
    const want = createHmac('sha1', keyBytes).update(data[0]).digest();
    assert.equal(key.macCheck('sha1', data, want, 0, 20), true);
    assert.equal(key.macCheck('sha1', data, Buffer.concat([want, Buffer.alloc(1)]), 0, 21), false);
    assert.equal(key.macCheck('sha1', data, want.subarray(0, 11), 0, 12), false);
  });
});
