import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_BAD_MECH, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import {
  derLength,
  TOK_ID_AP_REP,
  TOK_ID_AP_REQ,
  unwrapInitialContextToken,
  verifyTokenHeader,
  wrapInitialContextToken,
} from '../../../src/gssapi/token/framing.js';
import {
  KRB5_MECH_OID,
  KRB5_MECH_OID_BYTES,
  oidFromBytes,
  oidToBytes,
} from '../../../src/gssapi/token/oid.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

function expectGss(fn: () => unknown, major: number, minor: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GssError, `not a GssError: ${String(e)}`);
    assert.equal(e.major, major);
    assert.equal(e.minor, minor >>> 0);
    return true;
  });
}

describe('oid', () => {
  it('encodes the krb5 mechanism OID as RFC 1964 1.1 gives it', () => {
    assert.equal(toHex(KRB5_MECH_OID_BYTES), '2a864886f712010202');
    assert.equal(oidFromBytes(KRB5_MECH_OID_BYTES), KRB5_MECH_OID);
  });
  it('round-trips other OIDs (RFC 2743 name types, SPNEGO) and MIT brace text', () => {
    for (const [text, hex] of [
      ['1.2.840.113554.1.2.1.4', '2a864886f71201020104'], // GSS_C_NT_HOSTBASED_SERVICE
      ['1.3.6.1.5.6.4', '2b06010506 04'.replace(' ', '')], // GSS_C_NT_EXPORT_NAME
      ['1.3.6.1.5.5.2', '2b0601050502'], // SPNEGO
      ['2.999.3', '883703'],
    ]) {
      assert.equal(toHex(oidToBytes(text)), hex, text);
      assert.equal(oidFromBytes(fromHex(hex)), text);
    }
    assert.equal(toHex(oidToBytes('{ 1 2 840 113554 1 2 2 }')), '2a864886f712010202');
  });
  it('rejects malformed OIDs with GssError', () => {
    for (const hex of ['', '2a864886', '2a80', '80']) {
      assert.throws(() => oidFromBytes(fromHex(hex)), GssError, hex);
    }
    for (const t of ['1', '3.1', '1.40', 'a.b', '1..2']) assert.throws(() => oidToBytes(t), GssError, t);
  });
});

describe('framing (RFC 2743 3.1)', () => {
  it('writes DER lengths in minimal form', () => {
    assert.equal(toHex(derLength(0x7f)), '7f');
    assert.equal(toHex(derLength(0x80)), '8180');
    assert.equal(toHex(derLength(0x1234)), '821234');
    assert.equal(toHex(derLength(0x123456)), '83123456');
  });

  it('frames and unframes an AP-REQ', () => {
    const inner = fromHex('6e0102');
    const tok = wrapInitialContextToken(TOK_ID_AP_REQ, inner);
    assert.equal(toHex(tok), '601006092a864886f7120102020100 6e0102'.replace(' ', ''));
    assert.deepEqual(unwrapInitialContextToken(tok, TOK_ID_AP_REQ), inner);
  });

  it('uses long-form lengths for large tokens', () => {
    const inner = new Uint8Array(300).fill(7);
    const tok = wrapInitialContextToken(TOK_ID_AP_REP, inner);
    assert.equal(toHex(tok.subarray(0, 4)), '60820139');
    assert.deepEqual(unwrapInitialContextToken(tok, TOK_ID_AP_REP), inner);
  });

  it('accepts a non-minimal length as MIT 1.20 does', () => {
    const tok = fromHex('60811006092a864886f71201020201006e0102');
    assert.equal(toHex(unwrapInitialContextToken(tok, TOK_ID_AP_REQ)), '6e0102');
  });

  it('gives MIT error codes for bad framing', () => {
    const good = wrapInitialContextToken(TOK_ID_AP_REQ, fromHex('6e0102'));
    expectGss(
      () => unwrapInitialContextToken(good, TOK_ID_AP_REP),
      GSS_S_DEFECTIVE_TOKEN,
      MINOR.G_WRONG_TOKID,
    );
    const other = wrapInitialContextToken(TOK_ID_AP_REQ, fromHex('6e0102'), oidToBytes('1.3.6.1.5.5.2'));
    expectGss(() => unwrapInitialContextToken(other, TOK_ID_AP_REQ), GSS_S_BAD_MECH, MINOR.G_WRONG_MECH);
    const bad: string[] = [
      '', // empty
      '611006092a864886f7120102020100 6e0102', // not 0x60
      '601106092a864886f7120102020100 6e0102', // length too long
      '600f06092a864886f7120102020100 6e0102', // length too short
      '601005092a864886f7120102020100 6e0102', // not an OID tag
      '600b06092a864886f712010202 01', // TOK_ID truncated
      '608500000000100000', // five length octets
      '6084ffffffff', // length beyond 2^31
      '600306ff00', // OID longer than the token
    ];
    for (const hex of bad) {
      const t = fromHex(hex.replace(/\s/g, ''));
      expectGss(
        () => unwrapInitialContextToken(t, TOK_ID_AP_REQ),
        GSS_S_DEFECTIVE_TOKEN,
        MINOR.G_BAD_TOK_HEADER,
      );
    }
  });

  it('takes an unwrapped token raw when the wrapper is optional', () => {
    const r = verifyTokenHeader(fromHex('0404ff'), KRB5_MECH_OID_BYTES, -1, false);
    assert.ok(r.ok);
    assert.equal(r.ok && toHex(r.body), '0404ff');
  });

  it('throws only GssError for every truncation and flip of a token', () => {
    const good = wrapInitialContextToken(TOK_ID_AP_REQ, new Uint8Array(200).fill(1));
    for (let n = 0; n < good.length; n++) {
      assert.throws(() => unwrapInitialContextToken(good.subarray(0, n), TOK_ID_AP_REQ), GssError);
    }
    for (let i = 0; i < 20; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const t = Uint8Array.from(good);
        t[i] ^= 1 << bit;
        try {
          unwrapInitialContextToken(t, TOK_ID_AP_REQ);
        } catch (e) {
          assert.ok(e instanceof GssError);
        }
      }
    }
  });
});
