/** Builds ContextState records for per-message tests, without context establishment. */
import type { Key } from '../../../src/crypto/key.js';
import {
  GSS_C_CONF_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
} from '../../../src/gssapi/flags.js';
import type { ContextState } from '../../../src/gssapi/mech/krb5/context-state.js';
import { initSeqState } from '../../../src/gssapi/mech/krb5/tokens/seqstate.js';

export const ALL_FLAGS =
  GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;

export interface SideParams {
  locallyInitiated: boolean;
  subkey: Key;
  acceptorSubkey?: Key;
  sendSeq: bigint;
  /** The peer's initial sequence number. */
  recvSeq: bigint;
  flags?: number;
}

export function makeContext(p: SideParams): ContextState {
  const flags = p.flags ?? ALL_FLAGS;
  return {
    locallyInitiated: p.locallyInitiated,
    flags,
    initiatorName: { nameType: 1, components: ['alice'], realm: 'TEST.GSS' },
    acceptorName: { nameType: 3, components: ['gsstest', 'localhost'], realm: 'TEST.GSS' },
    authTime: 0,
    endTime: 0x7fffffff,
    sessionKey: p.subkey,
    subkey: p.subkey,
    acceptorSubkey: p.acceptorSubkey,
    sendSeq: p.sendSeq,
    recv: initSeqState(
      p.recvSeq,
      (flags & GSS_C_REPLAY_FLAG) !== 0,
      (flags & GSS_C_SEQUENCE_FLAG) !== 0,
      true,
    ),
  };
}

/** An initiator and an acceptor that talk to each other. */
export function makePair(
  subkey: Key,
  acceptorSubkey: Key | undefined,
  initiatorSeq = 0x1234n,
  acceptorSeq = 0x98765432n,
  flags = ALL_FLAGS,
): { init: ContextState; acc: ContextState } {
  return {
    init: makeContext({
      locallyInitiated: true,
      subkey,
      acceptorSubkey,
      sendSeq: initiatorSeq,
      recvSeq: acceptorSeq,
      flags,
    }),
    acc: makeContext({
      locallyInitiated: false,
      subkey,
      acceptorSubkey,
      sendSeq: acceptorSeq,
      recvSeq: initiatorSeq,
      flags,
    }),
  };
}
