/**
 * Receive-side sequence checking for per-message tokens (RFC 2743 1.2.3, RFC 4121 4.2.6),
 * with MIT krb5's g_seqstate semantics (src/lib/gssapi/generic/util_seqstate.c): numbers are
 * taken relative to the peer's initial number, modulo 2^64 (`wide`, RFC 4121) or 2^32, and a
 * 64-entry bitmap below the next expected number detects replays.
 *
 * The state is the plain `SeqStateRecord` of the context, so export.ts can serialize it.
 */

import {
  GSS_S_COMPLETE,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_GAP_TOKEN,
  GSS_S_OLD_TOKEN,
  GSS_S_UNSEQ_TOKEN,
} from '../../../../errors/status.js';
import type { SeqStateRecord } from '../context-state.js';

const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;
/** How far below `next` a replay is still detected (MIT: the 64 bits of recvmap). */
const WINDOW = 64n;

/** A fresh state expecting `base` (the peer's initial sequence number) first. */
export function initSeqState(
  base: bigint,
  doReplay: boolean,
  doSequence: boolean,
  wide: boolean,
): SeqStateRecord {
  return { doReplay, doSequence, wide, base: base & (wide ? MASK64 : MASK32), next: 0n, recvmap: 0n };
}

/**
 * Records `seqnum` and returns the supplementary status MIT's g_seqstate_check returns:
 * GSS_S_COMPLETE, GSS_S_GAP_TOKEN, GSS_S_UNSEQ_TOKEN, GSS_S_OLD_TOKEN or GSS_S_DUPLICATE_TOKEN.
 * Mutates `state`. A duplicate leaves the state unchanged.
 */
export function checkSeqState(state: SeqStateRecord, seqnum: bigint): number {
  if (!state.doReplay && !state.doSequence) return GSS_S_COMPLETE;
  const bits = state.wide ? 64 : 32;
  const rel = BigInt.asUintN(bits, seqnum - state.base);

  if (rel >= state.next) {
    // The expected number or one in the future: slide the window up to it.
    const offset = rel - state.next;
    // MIT computes `recvmap << (offset + 1)` on uint64_t; for a jump of 64 or more that shift is
    // undefined in C and x86-64 and arm64 both take its count modulo 64. We do the same, so that
    // the supplementary status is MIT's, stale bits included (docs/per-message.md; the live test
    // in test/interop/tokens-mit.test.ts shows it).
    const shift = offset === 0n ? 1n : BigInt.asUintN(64, offset + 1n) % WINDOW;
    state.recvmap = BigInt.asUintN(64, (state.recvmap << shift) | 1n);
    state.next = BigInt.asUintN(bits, rel + 1n);
    return offset > 0n && state.doSequence ? GSS_S_GAP_TOKEN : GSS_S_COMPLETE;
  }

  // In the past: too old for the window?
  const offset = state.next - rel;
  if (offset > WINDOW) return state.doSequence ? GSS_S_UNSEQ_TOKEN : GSS_S_OLD_TOKEN;

  const bit = 1n << (offset - 1n);
  if (state.doReplay && (state.recvmap & bit) !== 0n) return GSS_S_DUPLICATE_TOKEN;
  state.recvmap |= bit;
  return state.doSequence ? GSS_S_UNSEQ_TOKEN : GSS_S_COMPLETE;
}
