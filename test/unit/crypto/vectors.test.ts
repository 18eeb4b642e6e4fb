/**
 * Every published vector: RFC 3961 A.1 (n-fold), RFC 3962 Appendix B (PBKDF2, string-to-key,
 * AES-CTS), RFC 8009 Appendix A (string-to-key, key derivation, encryption, checksums, PRF), and
 * MIT krb5's own known-answer tables for enctypes 17-20. The data live in test/vectors/crypto-*.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CtsKey } from '../../../src/crypto/cts.js';
import {
  decrypt,
  encrypt,
  getProfile,
  type Key,
  makeChecksum,
  makeChecksumOfType,
  prf,
  stringToKey,
  verifyChecksum,
} from '../../../src/crypto/index.js';
import { nfold } from '../../../src/crypto/nfold.js';
import { pbkdf2 } from '../../../src/crypto/primitives.js';
import { dk, KC, KE, KI, usageConstant } from '../../../src/crypto/rfc3961.js';
import { deriveKeyBytes } from '../../../src/crypto/rfc8009.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

function load<T>(name: string): T & { source: string } {
  return JSON.parse(readFileSync(new URL(`../../vectors/${name}.json`, import.meta.url), 'utf8'));
}
const weak = { allowWeakIterations: true };
const key = (enctype: number, hex: string): Key => ({ enctype, keyvalue: fromHex(hex) });
const iter = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

describe('RFC 3961 Appendix A.1: n-fold', () => {
  const v = load<{ vectors: { input: string; inputText: string; bits: number; output: string }[] }>(
    'crypto-rfc3961-nfold',
  );
  assert.match(v.source, /RFC 3961/);
  for (const t of v.vectors) {
    it(`${t.bits}-fold("${t.inputText}")`, () => {
      assert.equal(toHex(nfold(fromHex(t.input), t.bits / 8)), t.output);
    });
  }
});

interface S2k3962 {
  password: string;
  salt: string;
  iterations: number;
  pbkdf2_128: string;
  key128: string;
  pbkdf2_256: string;
  key256: string;
}
interface Rfc3962 {
  stringToKey: S2k3962[];
  cts: { key: string; iv: string; vectors: { input: string; output: string; nextIv: string }[] };
}

describe('RFC 3962 Appendix B', () => {
  const v = load<Rfc3962>('crypto-rfc3962');
  assert.match(v.source, /RFC 3962/);
  for (const t of v.stringToKey) {
    it(`string-to-key, ${t.iterations} iterations, salt ${t.salt.slice(0, 16)}...`, () => {
      const pw = fromHex(t.password);
      const salt = fromHex(t.salt);
      assert.equal(toHex(pbkdf2('sha1', pw, salt, t.iterations, 16)), t.pbkdf2_128);
      assert.equal(toHex(pbkdf2('sha1', pw, salt, t.iterations, 32)), t.pbkdf2_256);
      // DK(tkey, "kerberos") on its own, then the whole string-to-key.
      const kerberos = new TextEncoder().encode('kerberos');
      assert.equal(toHex(dk(fromHex(t.pbkdf2_128), kerberos, 16)), t.key128);
      assert.equal(toHex(dk(fromHex(t.pbkdf2_256), kerberos, 32)), t.key256);
      assert.equal(toHex(stringToKey(17, pw, salt, iter(t.iterations), weak).keyvalue), t.key128);
      assert.equal(toHex(stringToKey(18, pw, salt, iter(t.iterations), weak).keyvalue), t.key256);
    });
  }
  for (const t of v.cts.vectors) {
    it(`AES-CTS, ${t.input.length / 2} bytes`, () => {
      assert.equal(v.cts.iv, '00'.repeat(16)); // our CTS always starts from the zero IV
      const k = new CtsKey(fromHex(v.cts.key));
      const out = k.encrypt([fromHex(t.input)], 0);
      assert.equal(toHex(out), t.output);
      // The next cipher state is the last CBC block, sent second to last.
      const m = Math.ceil(out.length / 16);
      assert.equal(toHex(out.subarray(16 * (m - 2), 16 * (m - 1))), t.nextIv);
      const ct = fromHex(t.output);
      assert.equal(toHex(k.decrypt(ct, ct.length)), t.input);
      // With trailing bytes (where Kerberos has its MAC) the in-place path runs instead.
      const padded = new Uint8Array(ct.length + 16);
      padded.set(ct);
      assert.equal(toHex(k.decrypt(padded, ct.length)), t.input);
    });
  }
});

interface Rfc8009 {
  stringToKey: { enctype: number; password: string; salt: string; iterations: number; key: string }[];
  keyDerivation: { enctype: number; baseKey: string; usage: number; kc: string; ke: string; ki: string }[];
  encryption: {
    enctype: number;
    baseKey: string;
    usage: number;
    plaintext: string;
    confounder: string;
    ciphertext: string;
  }[];
  checksum: {
    enctype: number;
    cksumtype: number;
    baseKey: string;
    usage: number;
    data: string;
    checksum: string;
  }[];
  prf: { enctype: number; baseKey: string; input: string; output: string }[];
}

describe('RFC 8009 Appendix A', () => {
  const v = load<Rfc8009>('crypto-rfc8009');
  assert.match(v.source, /RFC 8009/);
  for (const t of v.stringToKey) {
    it(`string-to-key, enctype ${t.enctype}`, () => {
      const k = stringToKey(t.enctype, fromHex(t.password), fromHex(t.salt), iter(t.iterations));
      assert.equal(toHex(k.keyvalue), t.key);
      // 32768 is the default: no s2kparams gives the same key.
      assert.equal(toHex(stringToKey(t.enctype, fromHex(t.password), fromHex(t.salt)).keyvalue), t.key);
    });
  }
  for (const t of v.keyDerivation) {
    it(`key derivation, enctype ${t.enctype}, usage ${t.usage}`, () => {
      const p = getProfile(t.enctype);
      const base = fromHex(t.baseKey);
      assert.equal(toHex(deriveKeyBytes(p, base, t.usage, KC)), t.kc);
      assert.equal(toHex(deriveKeyBytes(p, base, t.usage, KE)), t.ke);
      assert.equal(toHex(deriveKeyBytes(p, base, t.usage, KI)), t.ki);
    });
  }
  // One Key object per base key, so each vector also runs on contexts used by the ones before.
  const keys = new Map<string, Key>();
  for (const t of v.encryption) {
    it(`encryption, enctype ${t.enctype}, ${t.plaintext.length / 2}-byte plaintext`, () => {
      const k = keys.get(t.baseKey) ?? key(t.enctype, t.baseKey);
      keys.set(t.baseKey, k);
      assert.equal(toHex(encrypt(k, t.usage, fromHex(t.plaintext), fromHex(t.confounder))), t.ciphertext);
      assert.equal(toHex(decrypt(k, t.usage, fromHex(t.ciphertext))), t.plaintext);
      // Again, after other traffic on the same key.
      decrypt(k, t.usage, encrypt(k, t.usage, new Uint8Array(5000)));
      assert.equal(toHex(encrypt(k, t.usage, fromHex(t.plaintext), fromHex(t.confounder))), t.ciphertext);
      assert.equal(toHex(decrypt(k, t.usage, fromHex(t.ciphertext))), t.plaintext);
    });
  }
  for (const t of v.checksum) {
    it(`checksum type ${t.cksumtype}`, () => {
      const k = key(t.enctype, t.baseKey);
      assert.equal(toHex(makeChecksum(k, t.usage, fromHex(t.data))), t.checksum);
      assert.equal(toHex(makeChecksumOfType(t.cksumtype, k, t.usage, fromHex(t.data))), t.checksum);
      assert.equal(verifyChecksum(k, t.usage, fromHex(t.data), fromHex(t.checksum)), true);
    });
  }
  for (const t of v.prf) {
    it(`PRF, enctype ${t.enctype}`, () => {
      assert.equal(toHex(prf(key(t.enctype, t.baseKey), fromHex(t.input))), t.output);
    });
  }
});

interface MitKat {
  decrypt: { enctype: number; usage: number; key: string; plaintext: string; ciphertext: string }[];
  derive: { enctype: number; baseKey: string; constant: string; derived: string }[];
  prf: { enctype: number; key: string; input: string; output: string }[];
  checksum: {
    cksumtype: number;
    enctype: number;
    usage: number;
    key: string;
    data: string;
    checksum: string;
  }[];
  stringToKey: {
    enctype: number;
    password: string;
    salt: string;
    s2kparams: string;
    key: string;
    error: string | null;
    allowWeak: boolean;
  }[];
}

describe('MIT krb5 known-answer tables (enctypes 17-20)', () => {
  const v = load<MitKat>('crypto-mit-kat');
  assert.match(v.source, /MIT krb5/);
  it('decrypts every t_decrypt.c ciphertext', () => {
    assert.equal(v.decrypt.length, 18);
    for (const t of v.decrypt) {
      assert.equal(toHex(decrypt(key(t.enctype, t.key), t.usage, fromHex(t.ciphertext))), t.plaintext);
    }
  });
  it('derives every t_derive.c key', () => {
    assert.equal(v.derive.length, 12);
    for (const t of v.derive) {
      const p = getProfile(t.enctype);
      const c = fromHex(t.constant);
      const usage = ((c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3]) >>> 0;
      assert.deepEqual(usageConstant(usage, c[4]), c);
      const got =
        p.family === 'rfc3962'
          ? dk(fromHex(t.baseKey), c, p.keyBytes)
          : deriveKeyBytes(p, fromHex(t.baseKey), usage, c[4]);
      assert.equal(toHex(got), t.derived);
    }
  });
  it('matches every t_prf.c output', () => {
    assert.equal(v.prf.length, 8);
    for (const t of v.prf) assert.equal(toHex(prf(key(t.enctype, t.key), fromHex(t.input))), t.output);
  });
  it('matches every t_cksums.c checksum', () => {
    assert.equal(v.checksum.length, 4);
    for (const t of v.checksum) {
      const k = key(t.enctype, t.key);
      assert.equal(toHex(makeChecksumOfType(t.cksumtype, k, t.usage, fromHex(t.data))), t.checksum);
    }
  });
  it('matches every t_str2key.c key, and refuses weak iteration counts as MIT does', () => {
    assert.equal(v.stringToKey.length, 17);
    for (const t of v.stringToKey) {
      const run = () =>
        stringToKey(t.enctype, fromHex(t.password), fromHex(t.salt), fromHex(t.s2kparams), {
          allowWeakIterations: t.allowWeak,
        });
      if (t.error === null) assert.equal(toHex(run().keyvalue), t.key);
      else assert.throws(run, (e: Error & { minorCode?: string }) => e.minorCode === t.error);
    }
  });
});
