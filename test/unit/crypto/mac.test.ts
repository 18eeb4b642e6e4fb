/**
 * The in-place MAC paths (MacKey.macInto / macCheck, makeChecksumInto / checkChecksumAt,
 * decryptWithConfounder) against node:crypto's own createHmac and the library's plain
 * functions: every path a MAC can take (shared scratch, a key's own area after a few uses,
 * streaming above 2 KiB), every hash, and every tamper of the compared bytes.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  checkChecksumAt,
  decrypt,
  decryptWithConfounder,
  encrypt,
  forgetDerivedKeys,
  getProfile,
  makeChecksum,
  makeChecksumInto,
  makeChecksumParts,
  randomBytes,
  randomKey,
} from '../../../src/crypto/index.js';
import { type HashName, MacKey } from '../../../src/crypto/primitives.js';

const HASHES: HashName[] = ['sha1', 'sha256', 'sha384'];
/** Message lengths across the paths: empty, one block, the own-area limit, shared, streamed. */
const LENGTHS = [0, 1, 16, 48, 255, 256, 257, 1000, 2048, 2049, 5000];

function reference(hash: HashName, key: Uint8Array, parts: Uint8Array[]): Buffer {
  const h = createHmac(hash, key);
  for (const p of parts) h.update(p);
  return h.digest();
}

function split(data: Uint8Array): Uint8Array[] {
  const a = data.length >> 2;
  const b = data.length >> 1;
  return [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
}

describe('MacKey', () => {
  for (const hash of HASHES) {
    it(`equals createHmac for ${hash} on every path, uses 1 to 6 of one key`, () => {
      const keyBytes = randomBytes(hash === 'sha384' ? 24 : 16);
      const key = new MacKey(keyBytes);
      for (let use = 0; use < 6; use++) {
        for (const n of LENGTHS) {
          const data = randomBytes(n);
          const parts = split(data);
          const want = reference(hash, keyBytes, parts);
          assert.deepEqual(Buffer.from(key.mac(hash, parts)), want, `${hash} n=${n} use=${use}`);
          const dst = new Uint8Array(want.length + 7).fill(0xee);
          key.macInto(hash, parts, dst, 3, 12);
          assert.deepEqual(Buffer.from(dst.subarray(3, 15)), want.subarray(0, 12));
          assert.ok(
            dst.subarray(0, 3).every((b) => b === 0xee),
            'nothing written before',
          );
          assert.ok(
            dst.subarray(15).every((b) => b === 0xee),
            'nothing written after',
          );
          const src = new Uint8Array(5 + want.length);
          src.set(want, 5);
          assert.equal(key.macCheck(hash, parts, src, 5, want.length), true);
        }
      }
    });
  }

  it('macCheck refuses a flip of any compared byte, a short source, and a longer length', () => {
    const keyBytes = randomBytes(32);
    const key = new MacKey(keyBytes);
    const parts = [randomBytes(16), randomBytes(16)];
    const mac = reference('sha1', keyBytes, parts).subarray(0, 12);
    for (let i = 0; i < 12; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = Uint8Array.from(mac);
        bad[i] ^= 1 << bit;
        assert.equal(key.macCheck('sha1', parts, bad, 0, 12), false, `byte ${i} bit ${bit}`);
      }
    }
    assert.equal(key.macCheck('sha1', parts, mac.subarray(0, 11), 0, 12), false);
    assert.equal(key.macCheck('sha1', parts, new Uint8Array(30), 0, 21), false, 'longer than SHA-1');
  });

  it('gives the same MAC after wipe() for a new key of the same bytes, and another for the wiped', () => {
    const keyBytes = randomBytes(16);
    const key = new MacKey(keyBytes);
    const parts = [randomBytes(32)];
    for (let i = 0; i < 5; i++) key.mac('sha256', parts); // past the own-area threshold
    const before = key.mac('sha256', parts);
    key.wipe();
    assert.notDeepEqual(key.mac('sha256', parts), before, 'a wiped key no longer MACs with its bytes');
    assert.deepEqual(new MacKey(keyBytes).mac('sha256', parts), before);
  });

  it('keeps two keys apart when they alternate (each past its own-area threshold)', () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const a = new MacKey(k1);
    const b = new MacKey(k2);
    for (let i = 0; i < 8; i++) {
      const parts = [randomBytes(i * 10)];
      assert.deepEqual(Buffer.from(a.mac('sha1', parts)), reference('sha1', k1, parts));
      assert.deepEqual(Buffer.from(b.mac('sha1', parts)), reference('sha1', k2, parts));
    }
  });
});

describe('checksums written and checked in place', () => {
  for (const enctype of [17, 18, 19, 20]) {
    it(`enctype ${enctype}: equal makeChecksumParts, refuse every flip`, () => {
      const key = randomKey(enctype);
      const size = getProfile(enctype).checksumBytes;
      for (let use = 0; use < 5; use++) {
        const parts = [randomBytes(16 * use), randomBytes(16)];
        const want = makeChecksumParts(key, 25, parts);
        const token = new Uint8Array(16 + size);
        makeChecksumInto(key, 25, parts, token, 16);
        assert.deepEqual(token.subarray(16), want);
        assert.equal(checkChecksumAt(key, 25, parts, token, 16), true);
        assert.equal(checkChecksumAt(key, 23, parts, token, 16), false, 'another usage');
        for (let i = 16; i < token.length; i++) {
          token[i] ^= 0x80;
          assert.equal(checkChecksumAt(key, 25, parts, token, 16), false, `flip at ${i}`);
          token[i] ^= 0x80;
        }
        assert.equal(checkChecksumAt(key, 25, parts, token.subarray(0, token.length - 1), 16), false);
      }
      const data = randomBytes(40);
      assert.deepEqual(makeChecksumParts(key, 7, [data]), makeChecksum(key, 7, data));
      forgetDerivedKeys(key);
    });
  }
});

describe('decryptWithConfounder', () => {
  for (const enctype of [17, 18, 19, 20]) {
    it(`enctype ${enctype}: decrypt() with the confounder in front, at an offset`, () => {
      const key = randomKey(enctype);
      for (const n of [0, 1, 15, 16, 17, 32, 100, 1024, 5000]) {
        const pt = randomBytes(n);
        const ct = encrypt(key, 24, pt);
        const whole = decryptWithConfounder(key, 24, ct);
        assert.equal(whole.length, 16 + n);
        assert.deepEqual(Uint8Array.from(whole.subarray(16)), pt);
        const framed = new Uint8Array(16 + ct.length);
        framed.set(ct, 16);
        assert.deepEqual(Uint8Array.from(decryptWithConfounder(key, 24, framed, 16)), Uint8Array.from(whole));
        assert.deepEqual(decrypt(key, 24, ct), pt);
        const bad = Uint8Array.from(framed);
        bad[bad.length - 1] ^= 1;
        assert.throws(() => decryptWithConfounder(key, 24, bad, 16), /integrity/);
      }
    });
  }
});
