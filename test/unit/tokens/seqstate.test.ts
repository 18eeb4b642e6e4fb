import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  GSS_S_COMPLETE,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_GAP_TOKEN,
  GSS_S_OLD_TOKEN,
  GSS_S_UNSEQ_TOKEN,
} from '../../../src/errors/status.js';
import { checkSeqState, initSeqState } from '../../../src/gssapi/mech/krb5/tokens/seqstate.js';

interface SeqCase {
  comment: string;
  initial: string;
  doReplay: boolean;
  doSequence: boolean;
  width: 'narrow' | 'wide' | 'both';
  seqs: { seqnum: string; result: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/rfc4121-seqstate-mit.json', import.meta.url), 'utf8'),
) as { source: string; cases: SeqCase[] };

const RESULT: Record<string, number> = {
  COMPLETE: GSS_S_COMPLETE,
  GAP: GSS_S_GAP_TOKEN,
  UNSEQ: GSS_S_UNSEQ_TOKEN,
  OLD: GSS_S_OLD_TOKEN,
  DUPLICATE: GSS_S_DUPLICATE_TOKEN,
};

describe('seqstate: MIT t_seqstate.c table', () => {
  assert.match(vectors.source, /t_seqstate\.c/);
  vectors.cases.forEach((c, i) => {
    const widths = c.width === 'both' ? [false, true] : [c.width === 'wide'];
    for (const wide of widths) {
      it(`case ${i} (${wide ? 'wide' : 'narrow'}): ${c.comment}`, () => {
        const st = initSeqState(BigInt(c.initial), c.doReplay, c.doSequence, wide);
        c.seqs.forEach((s, j) => {
          assert.equal(checkSeqState(st, BigInt(s.seqnum)), RESULT[s.result], `seq ${j} (${s.seqnum})`);
        });
      });
    }
  });
});

describe('seqstate: more', () => {
  it('keeps a serializable record and starts above 2^31', () => {
    const base = 0x80000000n;
    const st = initSeqState(base, true, true, true);
    assert.equal(checkSeqState(st, base), GSS_S_COMPLETE);
    assert.equal(checkSeqState(st, base + 1n), GSS_S_COMPLETE);
    const copy = JSON.parse(
      JSON.stringify(st, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      (_k, v) => (typeof v === 'string' && v.endsWith('n') ? BigInt(v.slice(0, -1)) : v),
    );
    assert.deepEqual(copy, st);
    assert.equal(checkSeqState(copy, base + 1n), GSS_S_DUPLICATE_TOKEN);
    assert.equal(checkSeqState(copy, base + 3n), GSS_S_GAP_TOKEN);
    assert.equal(checkSeqState(copy, base + 2n), GSS_S_UNSEQ_TOKEN);
  });

  it('detects replays exactly 64 behind and calls 65 behind old', () => {
    const st = initSeqState(0n, true, false, true);
    for (let n = 0n; n < 100n; n++) assert.equal(checkSeqState(st, n), GSS_S_COMPLETE);
    assert.equal(checkSeqState(st, 36n), GSS_S_DUPLICATE_TOKEN); // next - 64
    assert.equal(checkSeqState(st, 35n), GSS_S_OLD_TOKEN); // next - 65
  });

  it("keeps MIT's stale bits after a jump of 64 or more (its shift count is taken mod 64)", () => {
    const st = initSeqState(0n, true, false, true);
    for (let n = 0n; n < 6n; n++) assert.equal(checkSeqState(st, n), GSS_S_COMPLETE);
    // next = 6; receiving 69 shifts by 64, which MIT's C code does as a shift by 0.
    assert.equal(checkSeqState(st, 69n), GSS_S_COMPLETE);
    assert.equal(st.recvmap, 0b111111n);
    // 68 was never received, yet MIT calls it a duplicate (bit 1 is 4's old bit): so do we.
    assert.equal(checkSeqState(st, 68n), GSS_S_DUPLICATE_TOKEN);
    assert.equal(checkSeqState(st, 67n), GSS_S_DUPLICATE_TOKEN);
    assert.equal(checkSeqState(st, 60n), GSS_S_COMPLETE);
    assert.equal(checkSeqState(st, 0n), GSS_S_OLD_TOKEN);
    // Receiving 100 when 1 is next: offset 99, a shift by 100 mod 64 = 36.
    const st2 = initSeqState(0n, true, false, true);
    checkSeqState(st2, 0n);
    checkSeqState(st2, 100n);
    assert.equal(st2.recvmap, (1n << 36n) | 1n);
  });

  it('wraps modulo 2^32 for narrow states and reduces the base', () => {
    const st = initSeqState(0x1_ffff_ffffn, true, true, false);
    assert.equal(st.base, 0xffff_ffffn);
    assert.equal(checkSeqState(st, 0xffff_ffffn), GSS_S_COMPLETE);
    assert.equal(checkSeqState(st, 0n), GSS_S_COMPLETE);
    assert.equal(checkSeqState(st, 0x1_0000_0000n), GSS_S_DUPLICATE_TOKEN);
  });
});
