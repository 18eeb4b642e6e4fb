/**
 * arcfour-hmac known answers, run by ./rc4.test.ts in a child with --openssl-legacy-provider:
 * MIT's t_decrypt.c and t_cksums.c entries, the NT hash string-to-key, and MIT's t_invalid.c
 * RFC 1964 tokens (test/vectors/crypto-rc4-mit-kat.json), plus round trips and tampering of
 * RFC 4757 section 7 tokens between two contexts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  decrypt,
  encrypt,
  type Key,
  makeChecksumOfType,
  prf,
  randomKey,
  stringToKey,
  verifyChecksumOfType,
} from '../../../src/crypto/index.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import type { ContextState } from '../../../src/gssapi/mech/krb5/context-state.js';
import { getMic, verifyMic } from '../../../src/gssapi/mech/krb5/tokens/mic.js';
import { initSeqState } from '../../../src/gssapi/mech/krb5/tokens/seqstate.js';
import { unwrap, wrap, wrapSizeLimit } from '../../../src/gssapi/mech/krb5/tokens/wrap.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

interface Vectors {
  source: string;
  decrypt: { usage: number; key: string; plaintext: string; ciphertext: string }[];
  checksum: { usage: number; key: string; plaintext: string; checksum: string }[];
  rfc1964Tokens: Record<'key' | 'badPadWrap' | 'mic' | 'wrapIntegrity' | 'wrapSealed' | 'message', string>;
  stringToKey: { password: string; key: string }[];
}
const v: Vectors = JSON.parse(
  readFileSync(new URL('../../vectors/crypto-rc4-mit-kat.json', import.meta.url), 'utf8'),
);
const rc4 = (hex: string): Key => ({ enctype: 23, keyvalue: fromHex(hex) });

describe('arcfour-hmac (RFC 4757 section 4), MIT known answers', () => {
  assert.match(v.source, /t_decrypt\.c/);
  for (const t of v.decrypt) {
    it(`decrypts MIT's usage ${t.usage} vector (${t.plaintext.length / 2} bytes)`, () => {
      assert.equal(toHex(decrypt(rc4(t.key), t.usage, fromHex(t.ciphertext))), t.plaintext);
    });
  }
  it('encrypts and decrypts back, refusing every flipped byte', () => {
    const key = randomKey(23);
    const msg = new TextEncoder().encode('round trip of an RC4 message');
    const ct = encrypt(key, 11, msg);
    assert.equal(ct.length, 16 + 8 + msg.length);
    assert.deepEqual(decrypt(key, 11, ct), msg);
    for (let i = 0; i < ct.length; i++) {
      const bad = ct.slice();
      bad[i] ^= 1;
      assert.throws(
        () => decrypt(key, 11, bad),
        (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
      );
    }
    assert.throws(() => decrypt(key, 11, ct.subarray(0, 23)), GssError);
  });
  it('translates usage 3 to 8 and takes usage 9 or 8 for a TGS-REP (MIT)', () => {
    const key = randomKey(23);
    const msg = Uint8Array.of(1, 2, 3);
    assert.deepEqual(decrypt(key, 8, encrypt(key, 3, msg)), msg);
    assert.deepEqual(decrypt(key, 9, encrypt(key, 8, msg)), msg);
    assert.deepEqual(decrypt(key, 9, encrypt(key, 9, msg)), msg);
  });
  for (const t of v.checksum) {
    it(`hmac-md5-rc4 checksum, MIT's usage ${t.usage} vector`, () => {
      const sum = makeChecksumOfType(-138, rc4(t.key), t.usage, fromHex(t.plaintext));
      assert.equal(toHex(sum), t.checksum);
      assert.ok(verifyChecksumOfType(-138, rc4(t.key), t.usage, fromHex(t.plaintext), sum));
    });
  }
  for (const t of v.stringToKey) {
    it(`string-to-key is the NT hash ("${t.password}")`, () => {
      assert.equal(toHex(stringToKey(23, t.password, 'ignored salt').keyvalue), t.key);
    });
  }
  it('string-to-key refuses s2kparams and a password that is not UTF-8', () => {
    assert.throws(
      () => stringToKey(23, 'pw', '', Uint8Array.of(0, 0, 16, 0)),
      (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5_ERR_BAD_S2K_PARAMS,
    );
    assert.throws(() => stringToKey(23, Uint8Array.of(0xff, 0xfe), ''), GssError);
  });
  it('PRF is HMAC-SHA1 (20 bytes)', () => {
    assert.equal(prf(randomKey(23), Uint8Array.of(1)).length, 20);
  });
});

function context(
  locallyInitiated: boolean,
  key: Key,
  sendSeq: bigint,
  recvBase: bigint,
  replay = true,
): ContextState {
  return {
    locallyInitiated,
    flags: 0,
    initiatorName: { nameType: 1, components: ['alice'], realm: 'R' },
    acceptorName: { nameType: 3, components: ['host', 'h'], realm: 'R' },
    authTime: 0,
    endTime: 0x7fffffff,
    sessionKey: key,
    subkey: key,
    sendSeq,
    recv: initSeqState(recvBase, replay, replay, false),
  };
}

const isErr = (major: number, minor?: number) => (e: unknown) =>
  e instanceof GssError && e.major === major && (minor === undefined || e.minor === minor);

describe('RFC 4757 section 7 tokens: MIT t_invalid.c', () => {
  const t = v.rfc1964Tokens;
  const message = fromHex(t.message);
  // MIT's fake context: an acceptor, sequence state at 0 without replay or sequence checks.
  const acceptor = () => context(false, rc4(t.key), 0n, 0n, false);
  it("verifies MIT's MIC token", () => {
    assert.equal(verifyMic(acceptor(), message, fromHex(t.mic)), 0);
  });
  it("unwraps MIT's integrity-only and sealed Wrap tokens", () => {
    const a = unwrap(acceptor(), fromHex(t.wrapIntegrity));
    assert.equal(new TextDecoder().decode(a.message), 'message');
    assert.equal(a.confidential, false);
    const b = unwrap(acceptor(), fromHex(t.wrapSealed));
    assert.equal(new TextDecoder().decode(b.message), 'message');
    assert.equal(b.confidential, true);
  });
  it('refuses the token padded with 100 instead of 1 as a bad signature', () => {
    assert.throws(() => unwrap(acceptor(), fromHex(t.badPadWrap)), isErr(GSS_S_BAD_SIG));
  });
  it('refuses every altered byte as DEFECTIVE_TOKEN or BAD_SIG (as t_invalid.c does)', () => {
    for (const name of ['mic', 'wrapIntegrity', 'wrapSealed'] as const) {
      const tok = fromHex(t[name]);
      for (let i = 0; i < tok.length; i++) {
        // t_invalid.c skips bytes 21..24: SND_SEQ's sequence number, which only the state checks.
        if (i >= 21 && i <= 24) continue;
        const bad = tok.slice();
        bad[i] = (bad[i] + 1) & 0xff;
        const run = () => (name === 'mic' ? verifyMic(acceptor(), message, bad) : unwrap(acceptor(), bad));
        assert.throws(
          run,
          (e: unknown) =>
            e instanceof GssError && (e.major === GSS_S_BAD_SIG || e.major === GSS_S_DEFECTIVE_TOKEN),
          `${name} byte ${i}`,
        );
      }
    }
  });
  it('refuses truncated tokens with a GssError, never a crash', () => {
    for (const name of ['mic', 'wrapIntegrity', 'wrapSealed'] as const) {
      const tok = fromHex(t[name]);
      for (let n = 0; n < tok.length; n++) {
        assert.throws(
          () =>
            name === 'mic'
              ? verifyMic(acceptor(), message, tok.subarray(0, n))
              : unwrap(acceptor(), tok.subarray(0, n)),
          GssError,
        );
      }
    }
  });
});

describe('RFC 4757 section 7 tokens between two contexts', () => {
  const key = randomKey(23);
  const pair = () => ({ init: context(true, key, 7n, 0x1000n), acc: context(false, key, 0x1000n, 7n) });
  it('wraps, unwraps and MICs both ways with sequence checks', () => {
    const { init, acc } = pair();
    const m = new TextEncoder().encode('hello over rc4');
    for (const conf of [true, false]) {
      const w = wrap(init, m, conf);
      assert.equal(w.length, 13 + 24 + 8 + m.length + 1);
      const u = unwrap(acc, w);
      assert.deepEqual(u.message, m);
      assert.equal(u.confidential, conf);
      assert.equal(u.supplementary, 0);
      assert.deepEqual(unwrap(init, wrap(acc, m, conf)).message, m);
    }
    assert.equal(verifyMic(init, m, getMic(acc, m)), 0);
    const mic = getMic(init, m);
    assert.equal(verifyMic(acc, m, mic), 0);
    assert.notEqual(verifyMic(acc, m, mic), 0, 'a replayed MIC is reported');
  });
  it('refuses a token reflected back to its sender (G_BAD_DIRECTION)', () => {
    const { init } = pair();
    const w = wrap(init, Uint8Array.of(1), true);
    const again = context(true, key, 0n, 7n);
    assert.throws(() => unwrap(again, w), isErr(GSS_S_BAD_SIG, MINOR.G_BAD_DIRECTION));
  });
  it('refuses a token under another key', () => {
    const { init } = pair();
    const other = context(false, randomKey(23), 0n, 7n);
    assert.throws(() => unwrap(other, wrap(init, Uint8Array.of(1, 2), true)), isErr(GSS_S_BAD_SIG));
  });
  it('computes wrap_size_limit so that the token fits', () => {
    const { init } = pair();
    for (const size of [0, 33, 46, 100, 140, 141, 142, 300, 70000]) {
      const n = wrapSizeLimit(init, true, size);
      if (n > 0) assert.ok(wrap(init, new Uint8Array(n), true).length <= size, `size ${size}`);
      assert.ok(
        wrap(init, new Uint8Array(n + 1), true).length > size || n + 1 === 0,
        `size ${size} is tight`,
      );
    }
  });
});
