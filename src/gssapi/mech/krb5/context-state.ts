/**
 * The one record that holds an established Kerberos GSS context (RFC 4121), as MIT's
 * krb5_gss_ctx_id_rec does: everything the per-message calls need, and everything an exported
 * interprocess token must carry so that another process continues exactly. Pure data: no
 * handles, no closures, so export.ts can serialize it field by field.
 */
import type { Key } from '../../../crypto/key.js';
import type { Principal } from '../../../krb5/principal.js';

/**
 * Receive-side sequence state (RFC 4121 4.2.6.1 / RFC 2743 1.2.3), kept as MIT's g_seqstate:
 * `base` is the peer's initial sequence number, `next` the next expected number relative to
 * base, `recvmap` a 64-bit bitmap of the numbers received below `next` (bit 0 = next - 1).
 * All numbers are relative to base and taken modulo 2^64 (`wide`) or 2^32.
 */
export interface SeqStateRecord {
  /** Replay detection is on (GSS_C_REPLAY_FLAG): duplicates are reported. */
  doReplay: boolean;
  /** Sequence detection is on (GSS_C_SEQUENCE_FLAG): gaps and out-of-order tokens are reported. */
  doSequence: boolean;
  /** Sequence numbers are 64-bit (RFC 4121 CFX tokens); otherwise 32-bit, as MIT's g_seqstate. */
  wide: boolean;
  /** The peer's initial sequence number, from the authenticator or AP-REP. */
  base: bigint;
  /** The next expected sequence number, relative to `base`. */
  next: bigint;
  /** Bitmap of the 64 numbers below `next`: bit 0 is `next - 1`, set when received. */
  recvmap: bigint;
}

/**
 * An established Kerberos GSS context as plain data (MIT's krb5_gss_ctx_id_rec): what the
 * per-message calls use and what the interprocess token carries (docs/export-token.md). A
 * `SecurityContext` keeps its record in a module-private map, out of the caller's reach.
 */
export interface ContextState {
  /** True on the side that called init (the initiator). */
  locallyInitiated: boolean;
  /** The granted GSS_C_* flags (TRANS and PROT_READY included once established). */
  flags: number;
  /** The initiator's principal (the ticket's client). */
  initiatorName: Principal;
  /** The acceptor's principal (the ticket's server). */
  acceptorName: Principal;
  /** Ticket times, in seconds since the epoch. */
  authTime: number;
  /** The ticket's end time, seconds since the epoch: the context expires then. */
  endTime: number;
  /** The ticket session key. */
  sessionKey: Key;
  /** The initiator's subkey from the Authenticator, or the session key when it sent none. */
  subkey: Key;
  /** The acceptor's subkey from the AP-REP (RFC 4121 FLAG_ACCEPTOR_SUBKEY), when there is one. */
  acceptorSubkey?: Key;
  /** Our next send sequence number (64-bit, RFC 4121 SND_SEQ). */
  sendSeq: bigint;
  /** The peer's tokens seen so far. */
  recv: SeqStateRecord;
}
