/**
 * The interprocess token against bad input (docs/export-token.md, "Status codes on import"):
 * MIT's mechglue codes for the framing, DEFECTIVE_TOKEN for everything inside, every truncation
 * and every single bit flip of a plain and of a sealed token refused, a token sealed under
 * another key refused, no key bytes in a sealed token, and nothing but GssError escaping.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomKey, sha256 } from '../../src/crypto/index.js';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { importSecContext } from '../../src/gssapi/context/export.js';
import { decodeExportToken, encodeExportToken } from '../../src/gssapi/export/export-token.js';
import type { ContextState } from '../../src/gssapi/mech/krb5/context-state.js';
import {
  GSS_C_NO_CONTEXT,
  GSS_S_BAD_MECH,
  GSS_S_CALL_BAD_STRUCTURE,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_COMPLETE,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_NO_CONTEXT,
  type GssCtxId,
  gss_import_sec_context,
  gssBuffer,
} from '../../src/gssapi/rfc2744/index.js';
import { concat, writeUint32BE } from '../../src/util/bytes.js';
import { makePair } from './tokens/context-pair.js';

const KEY = new Uint8Array(32).fill(0x5a);
const OTHER_KEY = new Uint8Array(32).fill(0xa5);
const HEADER = 35; // framing, magic, version, mode, token id
const FRAMING = 13; // OID length and OID: the mechglue's part

function record(enctype = 18): ContextState {
  return makePair(randomKey(enctype), randomKey(enctype), 0x89abcdefn, 0xfedcba98n).acc;
}

function decodeError(token: Uint8Array, key?: Uint8Array): GssError {
  try {
    decodeExportToken(token, { key });
  } catch (e) {
    assert.ok(e instanceof GssError, `not a GssError: ${String(e)}`);
    return e;
  }
  assert.fail('the token was accepted');
}

function expect(token: Uint8Array, major: number, minor?: number, key?: Uint8Array): void {
  const e = decodeError(token, key);
  assert.equal(e.major, major >>> 0, `major ${e.code} (${e.major.toString(16)})`);
  if (minor !== undefined) assert.equal(e.minor, minor, `minor ${e.minorCode}`);
  // The facade: the same status, and the handle stays GSS_C_NO_CONTEXT.
  const m = { value: -1 };
  const h: { value: GssCtxId } = { value: GSS_C_NO_CONTEXT };
  assert.equal(gss_import_sec_context(m, gssBuffer(token), h, { key }), major >>> 0);
  assert.equal(h.value, GSS_C_NO_CONTEXT);
  if (minor !== undefined) assert.equal(m.value, minor);
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** A plain token whose body was changed by `edit`, with a fresh (valid) check value. */
function reChecked(token: Uint8Array, edit: (body: Uint8Array) => void): Uint8Array {
  const t = token.slice();
  edit(t.subarray(HEADER + 4, t.length - 16));
  t.set(sha256(t.subarray(0, t.length - 16)).subarray(0, 16), t.length - 16);
  return t;
}

describe('interprocess token: bad input', () => {
  const plain = encodeExportToken(record());
  const sealed = encodeExportToken(record(), { key: KEY });

  it('round trip of both modes, every enctype', () => {
    for (const enctype of [17, 18, 19, 20]) {
      const s = record(enctype);
      for (const key of [undefined, KEY]) {
        const d = decodeExportToken(encodeExportToken(s, { key }), { key });
        assert.deepEqual(d.state, s);
        assert.equal(d.sealed, key !== undefined);
      }
    }
  });

  it('the mechglue framing, with MIT g_imp_sec_context.c codes', () => {
    expect(new Uint8Array(0), GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN, 0);
    for (const n of [1, 2, 3])
      expect(plain.subarray(0, n), GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN, 0);
    const withOidLength = (n: number) => {
      const t = plain.slice();
      writeUint32BE(t, 0, n);
      return t;
    };
    for (const n of [0, plain.length - 3, 0x7fffffff, 0xffffffff]) {
      expect(withOidLength(n), GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN, 0);
    }
    // SPNEGO's OID (1.3.6.1.5.5.2) in front of our body: another mechanism.
    const spnego = Uint8Array.of(0x2b, 0x06, 0x01, 0x05, 0x05, 0x02);
    const other = concat(Uint8Array.of(0, 0, 0, spnego.length), spnego, plain.subarray(FRAMING));
    expect(other, GSS_S_BAD_MECH, 0);
    // MIT's own krb5 framing with a foreign body: ours is DEFECTIVE_TOKEN (docs/export-token.md).
    expect(
      concat(plain.subarray(0, FRAMING), new Uint8Array(40)),
      GSS_S_DEFECTIVE_TOKEN,
      MINOR.G_BAD_TOK_HEADER,
    );
  });

  it('magic, version, mode', () => {
    const at = (i: number, v: number) => {
      const t = plain.slice();
      t[i] = v;
      return t;
    };
    expect(at(13, 0x48), GSS_S_DEFECTIVE_TOKEN, MINOR.G_BAD_TOK_HEADER);
    for (const version of [0, 2, 255]) expect(at(17, version), GSS_S_DEFECTIVE_TOKEN, MINOR.G_BAD_TOK_HEADER);
    expect(at(18, 2), GSS_S_DEFECTIVE_TOKEN, MINOR.G_BAD_TOK_HEADER);
    expect(sealed, GSS_S_DEFECTIVE_TOKEN, MINOR.G_BAD_TOK_HEADER); // sealed, no key
    expect(plain, GSS_S_DEFECTIVE_TOKEN, MINOR.G_BAD_TOK_HEADER, KEY); // plain, a key
  });

  it('a bad inner token behind a valid check value: DEFECTIVE_TOKEN', () => {
    expect(
      reChecked(plain, (b) => {
        b[0] = 2;
      }),
      GSS_S_DEFECTIVE_TOKEN,
      MINOR.G_BAD_TOK_HEADER,
    );
    expect(
      reChecked(plain, (b) => {
        b[1] = 0xff;
      }),
      GSS_S_DEFECTIVE_TOKEN,
      MINOR.G_BAD_TOK_HEADER,
    );
    // An enctype we do not support (arcfour-hmac-exp, 24; rc4-hmac, 23, is implemented) in the
    // session key.
    const s = record();
    s.sessionKey = { enctype: 24, keyvalue: new Uint8Array(16) };
    expect(encodeExportToken(s), GSS_S_DEFECTIVE_TOKEN, MINOR.KRB5_BAD_ENCTYPE);
    expect(encodeExportToken(s, { key: KEY }), GSS_S_DEFECTIVE_TOKEN, MINOR.KRB5_BAD_ENCTYPE, KEY);
    // A key whose length is not its enctype's.
    const t = record();
    t.subkey = { enctype: 18, keyvalue: new Uint8Array(16) };
    expect(encodeExportToken(t), GSS_S_DEFECTIVE_TOKEN, MINOR.KG_BAD_LENGTH);
  });

  it('every truncation is refused, with the framing codes below 13 bytes', () => {
    for (const [token, key] of [
      [plain, undefined],
      [sealed, KEY],
    ] as const) {
      for (let n = 0; n < token.length; n++) {
        const e = decodeError(token.subarray(0, n), key);
        const want =
          n === 0
            ? GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN
            : n < FRAMING
              ? GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN
              : GSS_S_DEFECTIVE_TOKEN;
        assert.equal(e.major, want >>> 0, `length ${n}: ${e.code}`);
      }
      // And a byte too many.
      assert.equal(decodeError(concat(token, Uint8Array.of(0)), key).major, GSS_S_DEFECTIVE_TOKEN);
    }
  });

  it('every single bit flip is refused: DEFECTIVE_TOKEN past the framing', () => {
    for (const [token, key, mode] of [
      [plain, undefined, 'plain'],
      [sealed, KEY, 'sealed'],
    ] as const) {
      for (let i = 0; i < token.length * 8; i++) {
        const t = token.slice();
        t[i >> 3] ^= 0x80 >> (i & 7);
        const e = decodeError(t, key);
        const byte = i >> 3;
        if (byte < FRAMING) {
          // The OID length or the OID: the mechglue's answer (another mechanism, or a bad length).
          assert.ok(
            e.major === GSS_S_BAD_MECH ||
              e.major === (GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN) >>> 0,
            `${mode} bit ${i}: ${e.code}`,
          );
          continue;
        }
        assert.equal(e.major, GSS_S_DEFECTIVE_TOKEN, `${mode} bit ${i}: ${e.code}`);
        const inHeaderFields = byte < 19; // magic, version, mode
        const inLength = mode === 'plain' ? byte >= HEADER && byte < HEADER + 4 : byte >= 47 && byte < 51;
        if (!inHeaderFields && !inLength) {
          // The check value (plain) or the AEAD tag (sealed) catches it.
          assert.equal(e.minor, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, `${mode} bit ${i}: ${e.minorCode}`);
        }
      }
    }
  });

  it('a token sealed under another key is refused', () => {
    expect(sealed, GSS_S_DEFECTIVE_TOKEN, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, OTHER_KEY);
  });

  it('the plaintext keys never appear in a sealed token (and do in a plain one)', () => {
    for (const enctype of [17, 18, 19, 20]) {
      const s = record(enctype);
      const keys = [s.sessionKey.keyvalue, s.subkey.keyvalue, s.acceptorSubkey!.keyvalue];
      const p = encodeExportToken(s);
      for (const k of keys) assert.ok(contains(p, k), 'the search finds keys in a plain token');
      for (let n = 0; n < 20; n++) {
        const t = encodeExportToken(s, { key: KEY });
        for (const k of keys) {
          assert.equal(contains(t, k), false);
          // Nor any 8-byte piece of a key.
          for (let o = 0; o + 8 <= k.length; o += 4) assert.equal(contains(t, k.subarray(o, o + 8)), false);
        }
      }
    }
  });

  it('random garbage: nothing but GssError, the handle stays NO_CONTEXT', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let n = 0; n < 500; n++) {
      const t = new Uint8Array(next() % 200);
      for (let i = 0; i < t.length; i++) t[i] = next() & 0xff;
      if (n % 2 === 0 && t.length > FRAMING)
        t.set(plain.subarray(0, n % 4 === 0 ? FRAMING : HEADER).subarray(0, t.length));
      for (const key of [undefined, KEY]) {
        assert.throws(() => importSecContext(t, { key }), GssError);
        const h: { value: GssCtxId } = { value: GSS_C_NO_CONTEXT };
        const major = gss_import_sec_context({ value: 0 }, gssBuffer(t), h, { key });
        assert.notEqual(major, GSS_S_COMPLETE);
        assert.notEqual(major, GSS_S_NO_CONTEXT);
        assert.equal(h.value, GSS_C_NO_CONTEXT);
      }
    }
  });
});
