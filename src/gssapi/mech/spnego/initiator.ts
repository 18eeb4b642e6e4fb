/**
 * The SPNEGO initiator (RFC 4178 3.2), step for step as MIT's spnego_gss_init_sec_context:
 * a NegTokenInit with our mechanism list and, when Kerberos is first, the optimistic AP-REQ;
 * then each NegTokenResp: a reject ends it (BAD_MECH before a mechanism was agreed), a
 * counter-proposal restarts Kerberos under request-mic (init_ctx_reselect), the AP-REP completes
 * Kerberos, and the mechListMIC exchange (./mech-list-mic.ts) decides the end.
 */
import { MINOR } from '../../../errors/minor.js';
import { GSS_S_BAD_MECH, GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../../../errors/status.js';
import { GSS_C_INTEG_FLAG } from '../../flags.js';
import { oidEqual } from '../../token/oid.js';
import type { ContextState } from '../krb5/context-state.js';
import type { InitiatorSide } from '../krb5/cred-element.js';
import {
  type InitiatorRequest,
  initiatorFirstStep,
  initiatorSecondStep,
  type PendingInitiator,
} from '../krb5/establish/init.js';
import type { SpnegoStepResult } from './acceptor.js';
import { handleMic, type MicExchange } from './mech-list-mic.js';
import {
  ACCEPT_COMPLETED,
  ACCEPT_INCOMPLETE,
  decodeNegotiationToken,
  encodeMechTypes,
  encodeNegTokenInit,
  encodeNegTokenResp,
  REJECT,
  REQUEST_MIC,
} from './negotiation-token.js';
import { describeOid, isKrb5Oid } from './oids.js';

export class SpnegoInitiator {
  readonly #side: InitiatorSide;
  readonly #req: InitiatorRequest;
  readonly #mechTypes: readonly Uint8Array[];
  readonly #mic: MicExchange;
  /** The mechanism whose tokens we are producing (undefined until one is chosen). */
  #internalMech: Uint8Array | undefined;
  #pending: PendingInitiator | undefined;
  #state: ContextState | undefined;
  #negoDone = false;

  /** `mechTypes`: the OIDs offered, our preference first; one of them must be Kerberos. */
  constructor(side: InitiatorSide, req: InitiatorRequest, mechTypes: readonly Uint8Array[]) {
    if (!mechTypes.some(isKrb5Oid))
      throw new GssError(
        GSS_S_BAD_MECH,
        MINOR.ERR_SPNEGO_NO_MECHS_AVAILABLE,
        'SPNEGO: no Kerberos OID to offer',
      );
    this.#side = side;
    // SPNEGO needs integrity for its MICs: MIT adds GSS_C_INTEG_FLAG to the mechanism's flags.
    this.#req = { ...req, reqFlags: req.reqFlags | GSS_C_INTEG_FLAG };
    this.#mechTypes = mechTypes;
    this.#mic = { mechTypesDer: encodeMechTypes(mechTypes), micReqd: false, micSent: false, micRcvd: false };
  }

  /** The flags requested of Kerberos so far (for inquiries before completion). */
  get pendingFlags(): number {
    return this.#pending?.state.flags ?? 0;
  }

  /** The NegTokenInit; the AP-REQ rides in it only when a Kerberos OID is our first choice. */
  async first(): Promise<Uint8Array> {
    let mechToken: Uint8Array | undefined;
    if (isKrb5Oid(this.#mechTypes[0])) {
      this.#internalMech = this.#mechTypes[0];
      mechToken = await this.#krb5Start();
    }
    return encodeNegTokenInit({ mechTypesDer: this.#mic.mechTypesDer, mechToken });
  }

  async #krb5Start(): Promise<Uint8Array> {
    const r = await initiatorFirstStep(this.#side, this.#req);
    if (r.established) this.#state = r.pending.state;
    else this.#pending = r.pending;
    return r.token;
  }

  /** A NegTokenResp from the acceptor. */
  async next(token: Uint8Array): Promise<SpnegoStepResult> {
    const nt = decodeNegotiationToken(token);
    if (nt.kind !== 'resp') throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: expected a NegTokenResp');
    const acc = nt.negState;
    if (acc === REJECT && nt.responseToken === undefined) {
      if (!this.#negoDone)
        throw new GssError(
          GSS_S_BAD_MECH,
          MINOR.ERR_SPNEGO_NEGOTIATION_FAILED,
          'SPNEGO failed to negotiate a mechanism: the acceptor rejected our offer',
        );
      throw new GssError(GSS_S_FAILURE, 0, 'SPNEGO: the acceptor rejected the context');
    }
    let mechTokenIn = nt.responseToken;
    let send = true;
    if (!this.#negoDone) {
      // Some Java acceptors omit supportedMech: then it is the optimistic one (MIT init_ctx_nego).
      const supported = nt.supportedMech ?? this.#internalMech;
      if (supported === undefined)
        throw new GssError(
          GSS_S_DEFECTIVE_TOKEN,
          MINOR.ERR_SPNEGO_NO_MECH_FROM_ACCEPTOR,
          'SPNEGO: no supportedMech',
        );
      const same =
        this.#internalMech !== undefined &&
        ((isKrb5Oid(supported) && isKrb5Oid(this.#internalMech)) || oidEqual(supported, this.#internalMech));
      if (!same) {
        this.#reselect(supported, acc);
        mechTokenIn = undefined;
      } else if (mechTokenIn === undefined || (mechTokenIn.length === 0 && this.#state)) {
        // Empty: old IIS servers in the non-mutual case.
        if (!this.#state)
          throw new GssError(
            GSS_S_DEFECTIVE_TOKEN,
            MINOR.ERR_SPNEGO_NO_TOKEN_FROM_ACCEPTOR,
            'SPNEGO acceptor did not return a valid token',
          );
        send = false;
        mechTokenIn = undefined;
      } else if (this.#state) {
        throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: a mechanism token after Kerberos completed');
      }
      this.#negoDone = true;
    } else if ((!this.#state && mechTokenIn === undefined) || (this.#state && mechTokenIn !== undefined)) {
      throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: missing or spurious token from the acceptor');
    } else if (this.#state && !this.#mic.micReqd) {
      send = false;
    }

    // Step 2: Kerberos, if it has not completed.
    let mechTokenOut: Uint8Array | undefined;
    if (!this.#state) {
      if (this.#pending === undefined) {
        mechTokenOut = await this.#krb5Start();
      } else {
        if (mechTokenIn === undefined)
          throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: no AP-REP from the acceptor');
        this.#state = initiatorSecondStep(this.#pending, mechTokenIn);
        this.#pending = undefined;
        // A reject whose token Kerberos took for success is still a failure (MIT init_ctx_call_init).
        if (acc === REJECT)
          throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: the acceptor rejected the context');
        // Nothing more to send unless a MIC exchange is required (MIT's even-legs rule aside).
        if (!this.#mic.micReqd) send = false;
      }
    }

    // Step 3: the MIC exchange.
    let negState = ACCEPT_INCOMPLETE;
    let micOut: Uint8Array | undefined;
    let complete = false;
    const state = this.#state;
    if (state && state.flags & GSS_C_INTEG_FLAG) {
      const m = handleMic(this.#mic, state, nt.mechListMIC, mechTokenOut !== undefined, negState);
      negState = m.negState;
      micOut = m.micOut;
      if (m.send !== undefined) send = m.send;
      complete = !send || negState === ACCEPT_COMPLETED;
    } else if (state) {
      complete = !send;
    }
    const output =
      send && (mechTokenOut !== undefined || micOut !== undefined)
        ? encodeNegTokenResp({ negState, responseToken: mechTokenOut, mechListMIC: micOut })
        : undefined;
    if (!complete && output === undefined)
      throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: the negotiation stalled');
    return { output, established: complete ? state : undefined };
  }

  /** MIT's init_ctx_reselect: the acceptor chose another of our mechanisms. */
  #reselect(supported: Uint8Array, acc: number | undefined): void {
    const mine = this.#mechTypes.find((m) => oidEqual(m, supported));
    if (!mine || !isKrb5Oid(mine))
      throw new GssError(
        GSS_S_DEFECTIVE_TOKEN,
        MINOR.ERR_SPNEGO_NEGOTIATION_FAILED,
        `SPNEGO: the acceptor chose ${describeOid(supported)}, which we did not offer or cannot use`,
      );
    // RFC 4178 5: a counter-proposal must ask for the MIC (accept-incomplete is tolerated by MIT
    // only for NTLMSSP, which we never fall back to).
    if (acc !== REQUEST_MIC)
      throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: a counter-proposal without request-mic');
    this.#internalMech = mine;
    this.#pending = undefined;
    this.#state = undefined;
    this.#mic.micReqd = true;
  }
}
