/** The crypto API's contract beyond the vectors: profiles, errors, tampering, truncation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import {
  aeadOpen,
  aeadSeal,
  checksumTypeForEnctype,
  constantTimeEqual,
  decrypt,
  defaultSalt,
  encrypt,
  encryptedLength,
  forgetDerivedKeys,
  getProfile,
  type Key,
  makeChecksum,
  makeChecksumOfType,
  md5,
  parseEnctypeList,
  prf,
  profileByName,
  randomBytes,
  randomKey,
  randomToKey,
  sha256,
  stringToKey,
  verifyChecksum,
} from '../../../src/crypto/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../../../src/errors/status.js';
import { toHex } from '../../../src/util/bytes.js';

const ENCTYPES = [17, 18, 19, 20];

function isGss(major: number, minor: number) {
  return (e: unknown) => e instanceof GssError && e.major === major && e.minor === minor;
}
const badIntegrity = isGss(GSS_S_FAILURE, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);

describe('profiles', () => {
  it('has the four AES enctypes with RFC sizes', () => {
    const sizes = ENCTYPES.map((e) => {
      const p = getProfile(e);
      return [p.enctype, p.keyBytes, p.macBytes, p.checksumType, p.checksumBytes, p.prfBytes];
    });
    assert.deepEqual(sizes, [
      [17, 16, 12, 15, 12, 16],
      [18, 32, 12, 16, 12, 16],
      [19, 16, 16, 19, 16, 32],
      [20, 32, 24, 20, 24, 48],
    ]);
    assert.deepEqual(ENCTYPES.map(checksumTypeForEnctype), [15, 16, 19, 20]);
  });
  it('finds MIT names and aliases, case-insensitively', () => {
    assert.equal(profileByName('aes256-cts-hmac-sha1-96').enctype, 18);
    assert.equal(profileByName('AES256-CTS').enctype, 18);
    assert.equal(profileByName('aes128-sha1').enctype, 17);
    assert.equal(profileByName('aes256-sha2').enctype, 20);
    assert.equal(profileByName('aes128-sha2').enctype, 19);
    assert.equal(profileByName('Aes128-Cts-Hmac-Sha256-128').enctype, 19);
  });
  it('throws GssError(KRB5_BAD_ENCTYPE) for unknown or unimplemented enctypes', () => {
    const bad = isGss(GSS_S_FAILURE, MINOR.KRB5_BAD_ENCTYPE);
    for (const e of [0, 1, 3, 16, 24, 25, 26, -1, 999]) assert.throws(() => getProfile(e), bad);
    for (const n of ['aes', 'des3-cbc-sha1', 'rc4-hmac-exp', '', 'aes512-cts']) {
      assert.throws(() => profileByName(n), bad);
    }
    assert.throws(() => encryptedLength(24, 10), bad);
    assert.throws(() => randomKey(16), bad);
  });
  it('parses enctype lists as MIT does', () => {
    assert.deepEqual(parseEnctypeList('DEFAULT'), [18, 17, 20, 19]);
    assert.deepEqual(parseEnctypeList('aes256-cts aes128-sha2'), [18, 19]);
    assert.deepEqual(parseEnctypeList('DEFAULT -aes128-cts'), [18, 20, 19]);
    assert.deepEqual(parseEnctypeList('aes, -aes256-sha1,+aes256-cts-hmac-sha1-96'), [17, 20, 19, 18]);
    assert.deepEqual(parseEnctypeList('  aes128-cts\taes128-cts  AES128-CTS '), [17]);
    // Unknown and unimplemented names are skipped, as MIT skips unknown ones; RC4 without
    // allow_rc4 too (test/unit/crypto/rc4.test.ts).
    assert.deepEqual(parseEnctypeList('des3-cbc-sha1 rc4 camellia bogus aes256-sha2'), [20]);
    assert.deepEqual(parseEnctypeList('-aes'), []);
    assert.deepEqual(parseEnctypeList(''), []);
  });
});

describe('encrypt and decrypt', () => {
  for (const enctype of ENCTYPES) {
    const key = randomKey(enctype);
    it(`round-trips every length 0..70 for enctype ${enctype}`, () => {
      for (let n = 0; n <= 70; n++) {
        const pt = randomBytes(n);
        const ct = encrypt(key, 7, pt);
        assert.equal(ct.length, encryptedLength(enctype, n));
        assert.deepEqual(decrypt(key, 7, ct), pt);
      }
    });
    it(`uses a fresh confounder and separates key usages (enctype ${enctype})`, () => {
      const pt = randomBytes(40);
      assert.notDeepEqual(encrypt(key, 3, pt), encrypt(key, 3, pt));
      assert.throws(() => decrypt(key, 4, encrypt(key, 3, pt)), badIntegrity);
    });
    it(`rejects every single-bit flip with BAD_INTEGRITY (enctype ${enctype})`, () => {
      for (const n of [0, 5, 16, 33]) {
        const ct = encrypt(key, 2, randomBytes(n));
        for (let bit = 0; bit < ct.length * 8; bit++) {
          const t = ct.slice();
          t[bit >> 3] ^= 1 << (bit & 7);
          assert.throws(() => decrypt(key, 2, t), badIntegrity, `bit ${bit} of ${ct.length} bytes`);
        }
      }
    });
    it(`fails cleanly on every truncation and extension (enctype ${enctype})`, () => {
      const ct = encrypt(key, 2, randomBytes(20));
      for (let n = 0; n < ct.length; n++)
        assert.throws(() => decrypt(key, 2, ct.subarray(0, n)), badIntegrity);
      for (let n = 1; n < ct.length; n++) assert.throws(() => decrypt(key, 2, ct.subarray(n)), badIntegrity);
      const longer = new Uint8Array(ct.length + 1);
      longer.set(ct);
      assert.throws(() => decrypt(key, 2, longer), badIntegrity);
    });
    it(`gives one fixed message for every decryption failure (enctype ${enctype})`, () => {
      const messages = new Set<string>();
      const ct = encrypt(key, 2, randomBytes(20));
      for (const bad of [
        ct.subarray(0, 3),
        ct.subarray(0, ct.length - 1),
        Uint8Array.from(ct, (b, i) => (i ? b : b ^ 1)),
      ]) {
        try {
          decrypt(key, 2, bad);
        } catch (e) {
          messages.add((e as Error).message);
        }
      }
      assert.deepEqual([...messages], ['decrypt integrity check failed']);
    });
  }
  it('keeps per-key CBC contexts right across interleaving, failures and the gather threshold', () => {
    for (const enctype of ENCTYPES) {
      const key = randomKey(enctype);
      const other = randomKey(enctype);
      const pending: [Uint8Array, Uint8Array][] = [];
      for (const n of [
        4060, 4061, 4063, 4064, 4065, 4079, 4080, 4081, 4096, 9000, 0, 1, 15, 16, 17, 31, 32,
      ]) {
        const pt = randomBytes(n);
        pending.push([pt, encrypt(key, 5, pt)]);
        const bad = encrypt(key, 5, pt);
        bad[bad.length >> 1] ^= 1;
        assert.throws(() => decrypt(key, 5, bad), badIntegrity);
        assert.throws(() => decrypt(other, 5, pending[0][1]), badIntegrity);
        if (n % 2) {
          const [p, c] = pending.shift() as [Uint8Array, Uint8Array];
          assert.deepEqual(decrypt(key, 5, c), p);
        }
      }
      for (const [p, c] of pending.reverse()) assert.deepEqual(decrypt(key, 5, c), p);
    }
  });
  it('rejects a key whose length does not match its enctype', () => {
    const bad = isGss(GSS_S_FAILURE, MINOR.KRB5_BAD_KEYSIZE);
    const k: Key = { enctype: 18, keyvalue: new Uint8Array(16) };
    assert.throws(() => encrypt(k, 1, new Uint8Array(4)), bad);
    assert.throws(() => decrypt(k, 1, new Uint8Array(40)), bad);
    assert.throws(() => makeChecksum(k, 1, new Uint8Array(4)), bad);
  });
  it('keeps key bytes out of error messages', () => {
    const k: Key = { enctype: 17, keyvalue: Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i) };
    try {
      decrypt(k, 1, new Uint8Array(40));
      assert.fail('decrypt must throw');
    } catch (e) {
      const text = `${(e as Error).message} ${String(e)} ${JSON.stringify(e)}`;
      assert.doesNotMatch(text, new RegExp(toHex(k.keyvalue).slice(0, 8)));
    }
  });
});

describe('checksums', () => {
  for (const enctype of ENCTYPES) {
    it(`verifies its own checksum and rejects any change (enctype ${enctype})`, () => {
      const key = randomKey(enctype);
      const data = randomBytes(50);
      const ck = makeChecksum(key, 23, data);
      assert.equal(ck.length, getProfile(enctype).checksumBytes);
      assert.equal(verifyChecksum(key, 23, data, ck), true);
      assert.equal(verifyChecksum(key, 24, data, ck), false);
      assert.equal(verifyChecksum(key, 23, data, ck.subarray(1)), false);
      for (let bit = 0; bit < ck.length * 8; bit++) {
        const t = ck.slice();
        t[bit >> 3] ^= 1 << (bit & 7);
        assert.equal(verifyChecksum(key, 23, data, t), false);
      }
      const d2 = data.slice();
      d2[49] ^= 0x80;
      assert.equal(verifyChecksum(key, 23, d2, ck), false);
    });
  }
  it('checks the checksum type against the key, as MIT verify_key does', () => {
    const k128 = randomKey(17);
    const data = randomBytes(9);
    // Same AES key size: allowed, the checksum type picks the construction.
    assert.equal(makeChecksumOfType(19, k128, 5, data).length, 16);
    assert.deepEqual(makeChecksumOfType(15, k128, 5, data), makeChecksum(k128, 5, data));
    assert.throws(() => makeChecksumOfType(16, k128, 5, data), isGss(GSS_S_FAILURE, MINOR.KRB5_BAD_ENCTYPE));
    assert.throws(
      () => makeChecksumOfType(7, k128, 5, data),
      isGss(GSS_S_FAILURE, MINOR.KRB5_PROG_SUMTYPE_NOSUPP),
    );
  });
});

describe('keys', () => {
  it('random-to-key is the identity for AES and checks the length', () => {
    const seed = randomBytes(32);
    const k = randomToKey(18, seed);
    assert.deepEqual(k.keyvalue, seed);
    assert.notEqual(k.keyvalue, seed); // a copy, not the caller's buffer
    assert.throws(() => randomToKey(18, randomBytes(16)), isGss(GSS_S_FAILURE, MINOR.KRB5_CRYPTO_INTERNAL));
  });
  it('string-to-key validates s2kparams like MIT', () => {
    const bad = isGss(GSS_S_FAILURE, MINOR.KRB5_ERR_BAD_S2K_PARAMS);
    for (const params of [
      Uint8Array.of(0, 0, 0x10),
      Uint8Array.of(0, 0, 0, 0), // 2^32
      Uint8Array.of(1, 0, 0, 0), // MIT's 2^24 limit
      Uint8Array.of(0, 0, 0x0f, 0xff), // below aes-sha1's default of 4096
    ]) {
      assert.throws(() => stringToKey(17, 'pw', 'salt', params), bad);
    }
    assert.throws(() => stringToKey(19, 'pw', 'salt', Uint8Array.of(0, 0, 0x10, 0)), bad); // below 32768
    assert.throws(
      () => stringToKey(19, 'pw', 'salt', Uint8Array.of(0, 0, 0, 1), { allowWeakIterations: false }),
      bad,
    );
    // The default count equals an explicit 4096.
    assert.deepEqual(
      stringToKey(18, 'pw', 'salt'),
      stringToKey(18, 'pw', 'salt', Uint8Array.of(0, 0, 0x10, 0)),
    );
  });
  it('builds the RFC 4120 default salt', () => {
    assert.equal(defaultSalt('TEST.GSS', ['alice']), 'TEST.GSSalice');
    assert.equal(defaultSalt('ATHENA.MIT.EDU', ['host', 'localhost']), 'ATHENA.MIT.EDUhostlocalhost');
  });
  it('caches derived keys per Key object without mixing keys', () => {
    const a = randomKey(20);
    const b: Key = { enctype: 20, keyvalue: a.keyvalue.slice() };
    const c = randomKey(20);
    const pt = randomBytes(30);
    const conf = randomBytes(16);
    assert.deepEqual(encrypt(a, 9, pt, conf), encrypt(b, 9, pt, conf));
    assert.notDeepEqual(encrypt(a, 9, pt, conf), encrypt(c, 9, pt, conf));
    assert.throws(() => decrypt(c, 9, encrypt(a, 9, pt)), badIntegrity);
  });
  it('re-derives after forgetDerivedKeys (a key changed in place is then used afresh)', () => {
    const k: Key = { enctype: 17, keyvalue: randomBytes(16) };
    const pt = randomBytes(8);
    const ct = encrypt(k, 1, pt);
    k.keyvalue.set(randomBytes(16));
    assert.deepEqual(decrypt(k, 1, ct), pt); // still the cached derived keys
    forgetDerivedKeys(k);
    assert.throws(() => decrypt(k, 1, ct), badIntegrity);
  });
  it('PRF output lengths follow the profile', () => {
    for (const e of ENCTYPES) assert.equal(prf(randomKey(e), randomBytes(5)).length, getProfile(e).prfBytes);
  });
});

describe('helpers', () => {
  it('compares in constant time, false on length mismatch', () => {
    assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
    assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
    assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1)), false);
  });
  it('hashes (FIPS 180 / RFC 1321 values)', () => {
    const abc = new TextEncoder().encode('abc');
    assert.equal(toHex(sha256(abc)), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(toHex(md5(abc)), '900150983cd24fb0d6963f7d28e17f72');
  });
  it('seals and opens AES-256-GCM, and rejects any change with DEFECTIVE_TOKEN', () => {
    const key = randomBytes(32);
    const nonce = randomBytes(12);
    const aad = randomBytes(7);
    const pt = randomBytes(40);
    const sealed = aeadSeal(key, nonce, pt, aad);
    assert.equal(sealed.length, 56);
    assert.deepEqual(aeadOpen(key, nonce, sealed, aad), pt);
    const defective = isGss(GSS_S_DEFECTIVE_TOKEN, 0);
    for (let i = 0; i < sealed.length; i++) {
      const t = sealed.slice();
      t[i] ^= 0x10;
      assert.throws(() => aeadOpen(key, nonce, t, aad), defective);
    }
    assert.throws(() => aeadOpen(key, nonce, sealed, randomBytes(7)), defective);
    assert.throws(() => aeadOpen(key, nonce, sealed.subarray(0, 15), aad), defective);
    assert.throws(() => aeadOpen(randomBytes(16), nonce, sealed, aad), defective);
  });
});

describe('outputs', () => {
  it("are plain Uint8Arrays, never Buffers nor views of Node's pool", () => {
    for (const e of ENCTYPES) {
      const key = randomKey(e);
      const ct = encrypt(key, 1, randomBytes(10));
      for (const out of [
        ct,
        decrypt(key, 1, ct),
        makeChecksum(key, 1, ct),
        prf(key, ct),
        stringToKey(e, 'p', 's').keyvalue,
      ]) {
        assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype);
      }
      // Small ciphertexts share a slab of our own (src/crypto/cts.ts), never Node's pool.
      assert.notEqual(ct.buffer, Buffer.allocUnsafe(1).buffer);
      const big = encrypt(key, 1, randomBytes(4096));
      assert.equal(big.byteOffset, 0);
      assert.equal(big.buffer.byteLength, big.length);
    }
  });

  it("survive a transfer of another ciphertext's buffer (slabs are untransferable)", () => {
    const key = randomKey(18);
    const a = encrypt(key, 1, randomBytes(10));
    const b = encrypt(key, 1, randomBytes(10));
    const copyOfA = a.slice();
    const { port1, port2 } = new MessageChannel();
    try {
      port1.postMessage(b, [b.buffer as ArrayBuffer]);
    } finally {
      port1.close();
      port2.close();
    }
    assert.equal(b.length, 16 + 10 + 12);
    assert.deepEqual(a, copyOfA);
    assert.deepEqual(decrypt(key, 1, a).length, 10);
    // And the next encryption still works.
    assert.equal(decrypt(key, 1, encrypt(key, 1, randomBytes(10))).length, 10);
  });
});
