/**
 * The sequence state through export and import, on records built directly (no KDC): initial
 * sequence numbers at or above 2^31, wraparound of the 64-bit counters (RFC 4121 4.2.6), the
 * replay window, gaps and the state of contexts without replay or sequence detection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomKey } from '../../src/crypto/index.js';
import {
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_GAP_TOKEN,
  GSS_S_OLD_TOKEN,
  GSS_S_UNSEQ_TOKEN,
  GssError,
} from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { getContextState } from '../../src/gssapi/context/context-internal.js';
import { importSecContext } from '../../src/gssapi/context/export.js';
import { decodeExportToken, encodeExportToken } from '../../src/gssapi/export/export-token.js';
import { GSS_C_CONF_FLAG, GSS_C_INTEG_FLAG, GSS_C_REPLAY_FLAG } from '../../src/gssapi/flags.js';
import type { ContextState } from '../../src/gssapi/mech/krb5/context-state.js';
import { initSeqState } from '../../src/gssapi/mech/krb5/tokens/seqstate.js';
import { utf8 } from '../../src/util/bytes.js';
import { makePair } from './tokens/context-pair.js';

const TOP = 1n << 64n;
const KEY = new Uint8Array(32).fill(7);
// makePair shares key objects between the two sides and export wipes the exporter's keys: each
// side gets its own copy (structuredClone), as two processes would have.

/** Exports a record's handle (sealed) and imports it: a new handle on a restored record. */
function travel(state: ContextState): SecurityContext {
  return importSecContext(SecurityContext.fromState(state).export({ key: KEY }), { key: KEY });
}

describe('sequence state through export and import', () => {
  for (const [label, iniSeq, accSeq] of [
    ['initial numbers >= 2^31', 0x80000000n, 0xfffffff0n],
    ['64-bit wraparound', TOP - 3n, TOP - 2n],
    ['32-bit boundary', 0xfffffffen, 0xffffffffn],
  ] as const) {
    it(`${label}: pending tokens in order, replays caught, both directions continue`, () => {
      const pair = makePair(randomKey(18), randomKey(18), iniSeq, accSeq);
      const ini = SecurityContext.fromState(structuredClone(pair.init));
      const acc = SecurityContext.fromState(structuredClone(pair.acc));
      const sent = [0, 1, 2, 3, 4, 5].map((i) => ini.wrap(utf8(`m${i}`)));
      assert.equal(acc.unwrap(sent[0]).supplementary, 0);
      assert.equal(acc.unwrap(sent[1]).supplementary, 0);
      const fromAcc = acc.wrap(utf8('before export'));
      const before = structuredClone(getContextState(acc)!);
      const copy = travel(getContextState(acc)!);
      assert.deepEqual(getContextState(copy), before);
      for (let i = 2; i < 6; i++) {
        const r = copy.unwrap(sent[i]);
        assert.equal(r.supplementary, 0, `m${i}`);
        assert.deepEqual(r.message, utf8(`m${i}`));
      }
      // Past the wrap point: numbers keep counting modulo 2^64 on both sides.
      for (let i = 6; i < 10; i++) assert.equal(copy.unwrap(ini.wrap(utf8(`m${i}`))).supplementary, 0);
      assert.equal(copy.unwrap(sent[0]).supplementary, GSS_S_DUPLICATE_TOKEN);
      assert.equal(copy.unwrap(sent[5]).supplementary, GSS_S_DUPLICATE_TOKEN);
      assert.equal(ini.unwrap(fromAcc).supplementary, 0);
      for (let i = 0; i < 4; i++) {
        const r = ini.unwrap(copy.wrap(utf8(`r${i}`)));
        assert.equal(r.supplementary, 0, `r${i}`);
      }
      assert.equal(getContextState(copy)!.sendSeq, (accSeq + 5n) % TOP);
      // And the initiator side travels as well.
      const ini2 = travel(getContextState(ini)!);
      assert.equal(copy.unwrap(ini2.wrap(utf8('m10'))).supplementary, 0);
      assert.equal(copy.verifyMic(utf8('x'), ini2.getMic(utf8('x'))), 0);
    });
  }

  it('a gap stays a gap: the late token is UNSEQ, the received ones are duplicates (MIT g_seqstate)', () => {
    const pair = makePair(randomKey(17), undefined, TOP - 1n, 0x80000001n);
    const ini = SecurityContext.fromState(structuredClone(pair.init));
    const acc = SecurityContext.fromState(structuredClone(pair.acc));
    const t = [0, 1, 2, 3, 4].map((i) => ini.wrap(utf8(`g${i}`)));
    assert.equal(acc.unwrap(t[0]).supplementary, 0);
    assert.equal(acc.unwrap(t[3]).supplementary, GSS_S_GAP_TOKEN);
    const copy = travel(getContextState(acc)!);
    assert.equal(copy.unwrap(t[1]).supplementary, GSS_S_UNSEQ_TOKEN);
    assert.equal(copy.unwrap(t[2]).supplementary, GSS_S_UNSEQ_TOKEN);
    assert.equal(copy.unwrap(t[3]).supplementary, GSS_S_DUPLICATE_TOKEN);
    assert.equal(copy.unwrap(t[1]).supplementary, GSS_S_DUPLICATE_TOKEN);
    assert.equal(copy.unwrap(t[4]).supplementary, 0);
  });

  it('a token older than the 64-entry window stays OLD/UNSEQ after the trip', () => {
    for (const flags of [GSS_C_REPLAY_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG, undefined]) {
      const pair = makePair(randomKey(20), randomKey(20), 0x90000000n, 5n, flags);
      const ini = SecurityContext.fromState(structuredClone(pair.init));
      const acc = SecurityContext.fromState(structuredClone(pair.acc));
      const old = ini.wrap(utf8('old'));
      for (let i = 0; i < 70; i++) acc.unwrap(ini.wrap(utf8(`n${i}`)));
      const copy = travel(getContextState(acc)!);
      const want = flags === undefined ? GSS_S_UNSEQ_TOKEN : GSS_S_OLD_TOKEN;
      assert.equal(copy.unwrap(old).supplementary, want);
    }
  });

  it('no replay or sequence detection: the flags travel, nothing is reported', () => {
    const pair = makePair(
      randomKey(19),
      randomKey(19),
      0xffffffffn,
      0x80000000n,
      GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG,
    );
    const ini = SecurityContext.fromState(structuredClone(pair.init));
    const t = ini.wrap(utf8('once'));
    const acc = SecurityContext.fromState(structuredClone(pair.acc));
    acc.unwrap(t);
    const copy = travel(getContextState(acc)!);
    assert.equal(copy.flags, GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG);
    assert.equal(copy.unwrap(t).supplementary, 0);
  });

  it('32-bit (RFC 1964 style) receive state round-trips and is range-checked', () => {
    const s = makePair(randomKey(18), undefined).acc;
    s.recv = { ...initSeqState(0xfffffff0n, true, true, false), next: 0x20n, recvmap: 0xfffffffffffffffen };
    const d = decodeExportToken(encodeExportToken(s)).state;
    assert.deepEqual(d.recv, s.recv);
    s.recv = { ...s.recv, base: 0x100000000n };
    assert.throws(
      () => decodeExportToken(encodeExportToken(s)),
      (e: unknown) => e instanceof GssError && e.major === GSS_S_DEFECTIVE_TOKEN,
    );
  });
});
