/**
 * The SPNEGO acceptor (RFC 4178 3.2), step for step as MIT's spnego_gss_accept_sec_context:
 * 1. negotiation: the first Kerberos OID in the initiator's list is chosen; if it is not the
 *    first entry the optimistic token belongs to another mechanism and is ignored, and the reply
 *    is request-mic (acc_ctx_new, negotiate_mech). supportedMech echoes the OID the initiator
 *    used, Microsoft's included (MIT returns gss_mech_krb5_wrong for it too);
 * 2. the Kerberos acceptor runs on the mechanism token;
 * 3. once it is complete, the mechListMIC exchange (./mech-list-mic.ts) decides the end.
 * A failure answers with a reject NegTokenResp carrying the Kerberos error token, if any.
 */
import { MINOR } from '../../../errors/minor.js';
import { GSS_S_BAD_MECH, GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../../../errors/status.js';
import type { CachedCredential } from '../../../krb5/ccache/index.js';
import type { Pac } from '../../../krb5/pac/index.js';
import type { ChannelBindings } from '../../bindings.js';
import { GSS_C_INTEG_FLAG } from '../../flags.js';
import { KRB5_MECH_OID_BYTES } from '../../token/oid.js';
import type { ContextState } from '../krb5/context-state.js';
import type { AcceptorSide } from '../krb5/cred-element.js';
import { acceptorStep, errorTokens } from '../krb5/establish/accept.js';
import { handleMic, type MicExchange } from './mech-list-mic.js';
import { encodeNegTokenInit2 } from './neg-hints.js';
import {
  ACCEPT_COMPLETED,
  ACCEPT_INCOMPLETE,
  decodeNegotiationToken,
  encodeMechTypes,
  encodeNegTokenResp,
  type NegTokenInit,
  REJECT,
  REQUEST_MIC,
} from './negotiation-token.js';
import { describeOid, isKrb5Oid } from './oids.js';

export interface SpnegoStepResult {
  /** The token for the peer, if one goes out. */
  readonly output: Uint8Array | undefined;
  /** The Kerberos context, once the negotiation is complete. */
  readonly established: ContextState | undefined;
  readonly delegated?: CachedCredential;
  /** The ticket's verified PAC, if it carries one (the context's `pac`). */
  readonly pac?: Pac;
}

/** MIT's negotiate_mech: the first OID of ours in the initiator's list, and its position. */
function negotiateMech(init: NegTokenInit): { mech: Uint8Array; first: boolean } {
  const i = init.mechTypes.findIndex(isKrb5Oid);
  if (i < 0) {
    const offered = init.mechTypes.map(describeOid).join(', ');
    throw new GssError(
      GSS_S_BAD_MECH,
      MINOR.ERR_SPNEGO_NEGOTIATION_FAILED,
      `SPNEGO failed to negotiate a mechanism: the initiator offered ${offered}; only Kerberos V5 is supported`,
    );
  }
  return { mech: init.mechTypes[i], first: i === 0 };
}

export class SpnegoAcceptor {
  readonly #side: AcceptorSide;
  readonly #cb: ChannelBindings | undefined;
  #mic: MicExchange | undefined;
  #supportedMech: Uint8Array | undefined;
  #state: ContextState | undefined;
  #delegated: CachedCredential | undefined;
  #pac: Pac | undefined;

  constructor(side: AcceptorSide, channelBindings: ChannelBindings | undefined) {
    this.#side = side;
    this.#cb = channelBindings;
  }

  /**
   * The acceptor speaks first (MIT's acc_ctx_hints, for an empty input token): a NegTokenInit2
   * listing Kerberos, after which the initiator's NegTokenInit starts the negotiation as usual.
   */
  hints(): Uint8Array {
    if (this.#mic !== undefined)
      throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: hints after the first token');
    return encodeNegTokenInit2(encodeMechTypes([KRB5_MECH_OID_BYTES]));
  }

  /** One call of gss_accept_sec_context. Throws GssError; its reject token is in errorTokens. */
  async step(token: Uint8Array): Promise<SpnegoStepResult> {
    try {
      return await this.#step(token);
    } catch (e) {
      const err = e instanceof GssError ? e : new GssError(GSS_S_FAILURE, 0, String(e), { cause: e });
      const mechError = errorTokens.get(err);
      const out = new GssError(err.major, err.minor, err.message, { cause: err });
      errorTokens.set(out, encodeNegTokenResp({ negState: REJECT, responseToken: mechError }));
      throw out;
    }
  }

  async #step(token: Uint8Array): Promise<SpnegoStepResult> {
    const nt = decodeNegotiationToken(token);
    const firstPass = this.#mic === undefined;
    let negState: number;
    let mechToken: Uint8Array | undefined;
    let micIn: Uint8Array | undefined;
    if (firstPass) {
      if (nt.kind !== 'init') throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: expected a NegTokenInit');
      const { mech, first } = negotiateMech(nt);
      this.#supportedMech = mech;
      negState = first ? ACCEPT_INCOMPLETE : REQUEST_MIC;
      this.#mic = { mechTypesDer: nt.mechTypesDer, micReqd: !first, micSent: false, micRcvd: false };
      mechToken = nt.mechToken;
      micIn = nt.mechListMIC;
    } else {
      // acc_ctx_cont: a NegTokenResp with a token or a MIC, and no supportedMech.
      if (nt.kind !== 'resp') throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: expected a NegTokenResp');
      if (nt.responseToken === undefined && nt.mechListMIC === undefined)
        throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: NegTokenResp with neither token nor MIC');
      if (nt.supportedMech !== undefined)
        throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: supportedMech from the initiator');
      negState = ACCEPT_INCOMPLETE;
      mechToken = nt.responseToken;
      micIn = nt.mechListMIC;
    }
    const mic = this.#mic as MicExchange;

    let output: Uint8Array | undefined;
    if (negState !== REQUEST_MIC && mechToken !== undefined) {
      if (this.#state)
        throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: a mechanism token after completion');
      const r = await acceptorStep(this.#side, mechToken, this.#cb);
      this.#state = r.state;
      output = r.output;
      this.#delegated = r.delegated;
      this.#pac = r.pac;
      if (!mic.micReqd || !(r.state.flags & GSS_C_INTEG_FLAG)) negState = ACCEPT_COMPLETED;
    }

    let complete = false;
    let send = true;
    let micOut: Uint8Array | undefined;
    const state = this.#state;
    if (state && state.flags & GSS_C_INTEG_FLAG) {
      const m = handleMic(mic, state, micIn, output !== undefined, negState);
      complete = m.complete;
      negState = m.negState;
      micOut = m.micOut;
      if (m.send !== undefined) send = m.send;
    } else if (state) {
      complete = negState === ACCEPT_COMPLETED;
    }

    const reply = send
      ? encodeNegTokenResp({
          negState,
          supportedMech: firstPass ? this.#supportedMech : undefined,
          responseToken: output,
          mechListMIC: micOut,
        })
      : undefined;
    return complete
      ? { output: reply, established: state, delegated: this.#delegated, pac: this.#pac }
      : { output: reply, established: undefined };
  }
}
