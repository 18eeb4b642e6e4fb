import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GssError } from '../../../src/errors/status.js';
import { GSS_C_DELEG_FLAG, GSS_C_MUTUAL_FLAG, GSS_C_TRANS_FLAG } from '../../../src/gssapi/flags.js';
import {
  encodeGssChecksum,
  GSS_C_CHANNEL_BOUND_FLAG,
  INITIATOR_FLAGS,
  parseGssChecksum,
} from '../../../src/gssapi/mech/krb5/establish/checksum.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

const HASH = fromHex('00112233445566778899aabbccddeeff');
const ZERO = new Uint8Array(16);

describe('RFC 4121 4.1.1 0x8003 checksum', () => {
  it('lays out Lgth, Bnd, Flags little-endian, then DlgOpt/Dlgth/Deleg', () => {
    const c = encodeGssChecksum({ bindingsHash: HASH, flags: 0x13e, krbCred: fromHex('7605aabbccddee') });
    assert.equal(toHex(c), `10000000${toHex(HASH)}3e010000010007007605aabbccddee`);
  });

  it('parses back, keeping only MIT INITIATOR_FLAGS', () => {
    const flags = 0x1ff;
    const p = parseGssChecksum(encodeGssChecksum({ bindingsHash: ZERO, flags }), undefined);
    assert.equal(p.flags, flags & INITIATOR_FLAGS);
    assert.equal(p.flags & GSS_C_TRANS_FLAG, 0);
    assert.equal(p.krbCred, undefined);
  });

  it('returns the KRB-CRED only when the DELEG flag is set', () => {
    const cred = fromHex('76020500');
    const withFlag = parseGssChecksum(
      encodeGssChecksum({ bindingsHash: ZERO, flags: GSS_C_DELEG_FLAG | GSS_C_MUTUAL_FLAG, krbCred: cred }),
      undefined,
    );
    assert.deepEqual(withFlag.krbCred, cred);
    // Without the flag MIT reads the option as an extension (4-byte big-endian type and length).
    assert.throws(
      () =>
        parseGssChecksum(
          encodeGssChecksum({ bindingsHash: ZERO, flags: GSS_C_MUTUAL_FLAG, krbCred: cred }),
          undefined,
        ),
      (e: GssError) => e.code === 'GSS_S_FAILURE' && e.minorCode === 'KG_BAD_LENGTH',
    );
  });

  it('channel bindings: match sets CHANNEL_BOUND, mismatch is BAD_BINDINGS, none sent is accepted', () => {
    const sent = encodeGssChecksum({ bindingsHash: HASH, flags: 2 });
    assert.equal(parseGssChecksum(sent, HASH).flags & GSS_C_CHANNEL_BOUND_FLAG, GSS_C_CHANNEL_BOUND_FLAG);
    assert.throws(
      () =>
        parseGssChecksum(
          sent,
          ZERO.map(() => 1),
        ),
      (e: GssError) => e.code === 'GSS_S_BAD_BINDINGS',
    );
    // The acceptor has bindings, the initiator sent none (zeros): accepted, not bound (MIT).
    const none = encodeGssChecksum({ bindingsHash: ZERO, flags: 2 });
    assert.equal(parseGssChecksum(none, HASH).flags & GSS_C_CHANNEL_BOUND_FLAG, 0);
    // The acceptor has none: whatever the initiator sent is ignored.
    assert.equal(parseGssChecksum(sent, undefined).flags, 2);
  });

  it("MIT's status codes for bad contents", () => {
    assert.throws(
      () => parseGssChecksum(new Uint8Array(23), undefined),
      (e: GssError) => e.code === 'GSS_S_BAD_BINDINGS',
    );
    const badLgth = encodeGssChecksum({ bindingsHash: ZERO, flags: 0 });
    badLgth[0] = 15;
    assert.throws(
      () => parseGssChecksum(badLgth, undefined),
      (e: GssError) => e.code === 'GSS_S_FAILURE' && e.minorCode === 'KG_BAD_LENGTH',
    );
    const deleg = encodeGssChecksum({
      bindingsHash: ZERO,
      flags: GSS_C_DELEG_FLAG,
      krbCred: new Uint8Array(8),
    });
    assert.throws(
      () => parseGssChecksum(deleg.subarray(0, deleg.length - 1), undefined),
      (e: GssError) => e.code === 'GSS_S_FAILURE' && e.minorCode === 'KG_BAD_LENGTH',
    );
    const badOpt = deleg.slice();
    badOpt[24] = 2;
    assert.throws(
      () => parseGssChecksum(badOpt, undefined),
      (e: GssError) => e.code === 'GSS_S_FAILURE',
    );
  });

  it('every truncation and byte flip throws only GssError', () => {
    const full = encodeGssChecksum({ bindingsHash: HASH, flags: 0x13f, krbCred: new Uint8Array(40).fill(7) });
    for (let i = 0; i < full.length; i++) {
      for (const input of [full.subarray(0, i), flip(full, i)]) {
        try {
          parseGssChecksum(input, HASH);
        } catch (e) {
          assert.ok(e instanceof GssError, String(e));
        }
      }
    }
  });
});

function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i] ^= 0x5a;
  return c;
}
