/**
 * Per-key state kept for recently used keys only (src/crypto/hot-set.ts): HMAC own areas (128
 * keys) and running CBC contexts (256 keys) are dropped from keys not used lately and rebuilt on
 * their next use. More keys than the sets hold, used in turns, must still give node:crypto's
 * HMACs and decrypt what they encrypted.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { HotSet, type Warm } from '../../../src/crypto/hot-set.js';
import { decrypt, encrypt, forgetDerivedKeys, randomBytes, randomKey } from '../../../src/crypto/index.js';
import { MacKey } from '../../../src/crypto/primitives.js';

class Member implements Warm {
  recent = false;
  cooled = 0;
  cool(): void {
    this.cooled++;
  }
}

describe('HotSet (CLOCK)', () => {
  it('cools a member not used since the last sweep, and spares the recently used once', () => {
    const set = new HotSet(3);
    const [a, b, c, d, e] = [new Member(), new Member(), new Member(), new Member(), new Member()];
    for (const m of [a, b, c]) set.admit(m);
    for (const m of [a, b, c]) m.recent = false;
    b.recent = true; // used since
    set.admit(d); // hand at a: not recent, cooled
    assert.deepEqual([a.cooled, b.cooled, c.cooled], [1, 0, 0]);
    set.admit(e); // hand at b: recent, spared and cleared; c cooled
    assert.deepEqual([b.cooled, c.cooled], [0, 1]);
    assert.equal(b.recent, false);
  });

  it('ends a sweep within one turn when every member was used', () => {
    const set = new HotSet(4);
    const ms = [new Member(), new Member(), new Member(), new Member()];
    for (const m of ms) set.admit(m); // admitted as recent
    set.admit(new Member());
    assert.equal(
      ms.reduce((n, m) => n + m.cooled, 0),
      1,
    );
  });

  it('forgets a removed member: it is never cooled by the set afterwards', () => {
    const set = new HotSet(2);
    const [a, b] = [new Member(), new Member()];
    set.admit(a);
    set.admit(b);
    set.remove(a);
    a.recent = false;
    b.recent = false;
    set.admit(new Member()); // room again: nothing cooled
    set.admit(new Member()); // b is the only old member
    assert.deepEqual([a.cooled, b.cooled], [0, 1]);
  });
});

describe('derived-key state beyond the hot sets', () => {
  it('600 MAC keys in turns, past the own-area threshold, equal createHmac', () => {
    const raw = Array.from({ length: 600 }, () => randomBytes(20));
    const keys = raw.map((k) => new MacKey(k));
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < keys.length; i++) {
        const parts = [randomBytes((round * 37 + i) % 200), randomBytes(16)];
        const want = createHmac('sha1', raw[i]).update(parts[0]).update(parts[1]).digest();
        assert.deepEqual(Buffer.from(keys[i].mac('sha1', parts)), want, `key ${i} round ${round}`);
      }
    }
  });

  it('400 encryption keys in turns (more than keep contexts) decrypt their own, across rounds', () => {
    for (const enctype of [18, 20]) {
      const keys = Array.from({ length: 400 }, () => randomKey(enctype));
      const sent: Uint8Array[][] = keys.map(() => []);
      const plain: Uint8Array[][] = keys.map(() => []);
      for (let round = 0; round < 4; round++) {
        keys.forEach((k, i) => {
          const pt = randomBytes(16 + ((round * 13 + i) % 100));
          plain[i].push(pt);
          sent[i].push(encrypt(k, 24, pt));
        });
      }
      // Decrypted in a different order, each key's contexts made, dropped and made again.
      for (let round = 3; round >= 0; round--) {
        keys.forEach((k, i) => {
          assert.deepEqual(decrypt(k, 24, sent[i][round]), plain[i][round], `enctype ${enctype} key ${i}`);
        });
      }
      for (const k of keys) forgetDerivedKeys(k);
    }
  });
});
