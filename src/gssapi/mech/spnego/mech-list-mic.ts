/**
 * The mechListMIC exchange (RFC 4178 5), as MIT's handle_mic and process_mic run it on both
 * sides once the negotiated mechanism is complete:
 * - a MIC is required when the mechanism chosen was not the initiator's first choice
 *   (request-mic), and whenever the peer sent one ("if we got a MIC, we must send a MIC");
 * - a received MIC is GSS_VerifyMIC over the MechTypeList exactly as the initiator encoded it;
 *   a second one, or a missing one with the peer's final mechanism token, is a defective token;
 * - no MIC is sent otherwise: Windows drops the session on an unsolicited acceptor MIC.
 */
import { MINOR } from '../../../errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../errors/status.js';
import type { ContextState } from '../krb5/context-state.js';
import { getMic, verifyMic } from '../krb5/tokens/mic.js';
import { ACCEPT_COMPLETED, ACCEPT_INCOMPLETE } from './negotiation-token.js';

export interface MicExchange {
  /** The DER MechTypeList the MICs cover. */
  readonly mechTypesDer: Uint8Array;
  micReqd: boolean;
  micSent: boolean;
  micRcvd: boolean;
}

export interface MicOutcome {
  /** The negotiation is over on this side. */
  readonly complete: boolean;
  readonly negState: number;
  /** Our mechListMIC to send now, if any. */
  readonly micOut?: Uint8Array;
  /**
   * Set when the MIC exchange decides whether a token goes out: false when the MIC went out on
   * an earlier leg and nothing is left to send. Undefined leaves the caller's decision.
   */
  readonly send?: boolean;
}

/**
 * MIT's handle_mic: `micIn` is the peer's mechListMIC, `sendMechtok` whether a mechanism token
 * goes out with this leg, `negState` the state so far. Throws DEFECTIVE_TOKEN or BAD_SIG.
 */
export function handleMic(
  x: MicExchange,
  ctx: ContextState,
  micIn: Uint8Array | undefined,
  sendMechtok: boolean,
  negState: number,
): MicOutcome {
  if (micIn !== undefined) {
    if (x.micRcvd) throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: a second mechListMIC');
  } else if (x.micReqd && !sendMechtok) {
    throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: the peer did not send the required mechListMIC');
  }
  if (micIn !== undefined) {
    let supplementary: number;
    try {
      supplementary = verifyMic(ctx, x.mechTypesDer, micIn);
    } catch (e) {
      const minor = e instanceof GssError ? e.minor : 0;
      throw new GssError(
        GSS_S_BAD_SIG,
        minor || MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY,
        'SPNEGO: bad mechListMIC',
        {
          cause: e,
        },
      );
    }
    // MIT rejects anything but GSS_S_COMPLETE, supplementary bits included.
    if (supplementary !== 0)
      throw new GssError(GSS_S_BAD_SIG, 0, 'SPNEGO: mechListMIC out of sequence or replayed');
    x.micReqd = true;
    x.micRcvd = true;
  }
  let micOut: Uint8Array | undefined;
  if (x.micReqd && !x.micSent) {
    micOut = getMic(ctx, x.mechTypesDer, 0);
    x.micSent = true;
  }
  if (x.micSent && x.micRcvd) {
    return { complete: true, negState: ACCEPT_COMPLETED, micOut, send: micOut !== undefined };
  }
  if (x.micReqd) return { complete: false, negState: ACCEPT_INCOMPLETE, micOut };
  return { complete: negState === ACCEPT_COMPLETED, negState, micOut };
}
