/**
 * SecurityContext: the public handle of a GSS context (RFC 2743 2.2). Establishment runs the
 * Kerberos mechanism's initiator or acceptor state machine (../mech/krb5/establish/); once
 * established, all state is one ContextState record (../mech/krb5/context-state.ts) that the
 * per-message functions (../mech/krb5/tokens/) work on and that ./export.ts serializes through
 * ./context-internal.ts.
 */
import { MINOR } from '../../errors/minor.js';
import {
  GSS_S_CONTEXT_EXPIRED,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_NO_CONTEXT,
  GSS_S_NO_CRED,
  GSS_S_UNAVAILABLE,
  GssError,
} from '../../errors/status.js';
import type { Pac } from '../../krb5/pac/index.js';
import { loadProfile } from '../../krb5/profile-view.js';
import { nowSeconds } from '../../util/clock.js';
import type { ChannelBindings } from '../bindings.js';
import { Credentials } from '../creds/creds.js';
import { credsInternals } from '../creds/creds-internal.js';
import { type ExportOptions, encodeExportToken } from '../export/export-token.js';
import { GSS_C_TRANS_FLAG } from '../flags.js';
import type { ContextState } from '../mech/krb5/context-state.js';
import { acceptorStep, errorTokens } from '../mech/krb5/establish/accept.js';
import {
  initiatorFirstStep,
  initiatorSecondStep,
  type PendingInitiator,
} from '../mech/krb5/establish/init.js';
import { getMic, verifyMic } from '../mech/krb5/tokens/mic.js';
import { type UnwrapResult, unwrap, wrap, wrapSizeLimit } from '../mech/krb5/tokens/wrap.js';
import { SpnegoAcceptor } from '../mech/spnego/acceptor.js';
import { SpnegoInitiator } from '../mech/spnego/initiator.js';
import { decodeNegotiationToken, isSpnegoInitialToken } from '../mech/spnego/negotiation-token.js';
import { Name } from '../names/names.js';
import { contextStates, deadContexts, getContextState, killContext } from './context-internal.js';
import { redactKeys, requestedFlags, spnegoMechTypes, wipeKeys } from './context-options.js';

/**
 * What `SecurityContext.initiate` asks for: the inputs of GSS_Init_sec_context (RFC 2743 2.2.1;
 * MIT's gss_init_sec_context) as named options instead of a flag word.
 */
export interface InitiateOptions {
  /**
   * The acceptor to authenticate to, e.g. `Name.hostbased('HTTP@www.example.com')`: the service
   * ticket is requested for this principal.
   */
  target: Name;
  /**
   * The mechanism: 'krb5' (default) sends raw Kerberos tokens, 'spnego' wraps them in SPNEGO
   * (RFC 4178), as browsers and `gss-client -spnego` do.
   */
  mech?: 'krb5' | 'spnego';
  /**
   * SPNEGO only: the mechanism OIDs to offer, our preference first (default: Kerberos
   * 1.2.840.113554.1.2.2 alone). One must be Kerberos (either OID); an optimistic token is sent
   * only when a Kerberos OID is first, so another OID first makes the acceptor counter-propose
   * Kerberos with request-mic (RFC 4178 5).
   */
  spnegoMechs?: readonly string[];
  /** Default: Credentials.acquire({ usage: 'initiate' }) at the first step. */
  credentials?: Credentials;
  /** GSS_C_MUTUAL_FLAG (default true). */
  mutual?: boolean;
  /** GSS_C_REPLAY_FLAG (default true). */
  replayDetection?: boolean;
  /** GSS_C_SEQUENCE_FLAG (default false). */
  sequence?: boolean;
  /** GSS_C_CONF_FLAG / GSS_C_INTEG_FLAG: MIT grants both whatever is asked. */
  confidentiality?: boolean;
  /**
   * GSS_C_INTEG_FLAG: accepted for symmetry with `confidentiality`; the krb5 mechanism always
   * grants integrity, as MIT does.
   */
  integrity?: boolean;
  /** GSS_C_DELEG_FLAG: forward a TGT to the acceptor. */
  delegate?: boolean;
  /**
   * Channel bindings hashed into the authenticator (RFC 4121 4.1.1.2); the acceptor must be given
   * the same.
   */
  channelBindings?: ChannelBindings;
  /** Requested lifetime, seconds (0: the ticket's). */
  lifetime?: number;
}

/**
 * What `SecurityContext.accept` takes: the inputs of GSS_Accept_sec_context (RFC 2743 2.2.2; MIT's
 * gss_accept_sec_context).
 */
export interface AcceptOptions {
  /** Default: Credentials.acquire({ usage: 'accept' }) at the first step (KRB5_KTNAME). */
  credentials?: Credentials;
  /**
   * Channel bindings to check the initiator's against (RFC 4121 4.1.1.2): different ones fail
   * with GSS_S_BAD_BINDINGS; an initiator that sent none is accepted, as MIT does.
   */
  channelBindings?: ChannelBindings;
}

type Phase =
  | { kind: 'init-start'; opts: InitiateOptions }
  | { kind: 'init-wait'; pending: PendingInitiator }
  | { kind: 'spnego-init-wait'; initiator: SpnegoInitiator }
  | { kind: 'accept-start'; opts: AcceptOptions }
  | { kind: 'spnego-accept'; acceptor: SpnegoAcceptor }
  | { kind: 'established' };

function noContext(minor = 0, what = 'no context'): GssError {
  return new GssError(GSS_S_NO_CONTEXT, minor, what);
}

/**
 * A GSS security context (RFC 2743 1.1.3), initiator or acceptor: the handle MIT calls
 * gss_ctx_id_t. Made by `initiate`, `accept` or `importSecContext`; established by calling `step`
 * with each token from the peer; then it protects messages (`wrap`, `getMic`) and can be exported
 * to another process (`export`). Errors are thrown as `GssError`.
 */
export class SecurityContext {
  #phase: Phase;
  #busy = false;
  #errorToken: Uint8Array | undefined;
  #delegated: Credentials | undefined;
  #pac: Pac | undefined;

  private constructor(phase: Phase) {
    this.#phase = phase;
  }

  /** gss_init_sec_context: call step() to get the first token. */
  static initiate(opts: InitiateOptions): SecurityContext {
    return new SecurityContext({ kind: 'init-start', opts });
  }

  /** gss_accept_sec_context: call step(token) with the initiator's token. */
  static accept(opts: AcceptOptions = {}): SecurityContext {
    return new SecurityContext({ kind: 'accept-start', opts });
  }

  /** @internal An established context around an imported record (export.ts). */
  static fromState(state: ContextState): SecurityContext {
    const ctx = new SecurityContext({ kind: 'established' });
    redactKeys(state);
    contextStates.set(ctx, state);
    return ctx;
  }

  /**
   * One establishment step: returns the token to send (or undefined when there is none). The
   * context is established when `isEstablished` is true. On failure throws GssError; a KRB-ERROR
   * token MIT would send back is then in `errorToken`.
   */
  async step(token?: Uint8Array): Promise<Uint8Array | undefined> {
    if (deadContexts.has(this)) throw noContext();
    if (this.#busy) throw new GssError(GSS_S_FAILURE, 0, 'step() already in progress');
    this.#busy = true;
    this.#errorToken = undefined;
    try {
      return await this.#step(token);
    } finally {
      this.#busy = false;
    }
  }

  async #step(token: Uint8Array | undefined): Promise<Uint8Array | undefined> {
    const phase = this.#phase;
    switch (phase.kind) {
      case 'established':
        throw new GssError(GSS_S_FAILURE, MINOR.KG_CONTEXT_ESTABLISHED, 'context already established');
      case 'init-start': {
        const o = phase.opts;
        // A server that speaks first sends a NegTokenInit2; MIT's SPNEGO initiator ignores its
        // first input, and so do we once it reads as a NegTokenInit (anything else is refused).
        const serverFirst = o.mech === 'spnego' && token !== undefined && token.length !== 0;
        if (serverFirst && decodeNegotiationToken(token).kind !== 'init')
          throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SPNEGO: the first input is not a NegTokenInit');
        if (token !== undefined && token.length !== 0 && !serverFirst)
          throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'unexpected token');
        const creds = o.credentials ?? (await Credentials.acquire({ usage: 'initiate' }));
        const side = credsInternals.get(creds)?.initiator;
        if (!side) throw new GssError(GSS_S_NO_CRED, 0, 'credentials cannot initiate');
        const req = {
          target: o.target.principal,
          reqFlags: requestedFlags(o),
          channelBindings: o.channelBindings,
          lifetime: o.lifetime,
        };
        if (o.mech === 'spnego') {
          const initiator = new SpnegoInitiator(side, req, spnegoMechTypes(o.spnegoMechs));
          const first = await initiator.first();
          this.#phase = { kind: 'spnego-init-wait', initiator };
          return first;
        }
        const r = await initiatorFirstStep(side, req);
        if (r.established) this.#establish(r.pending.state);
        else this.#phase = { kind: 'init-wait', pending: r.pending };
        return r.token;
      }
      case 'init-wait': {
        try {
          if (token === undefined || token.length === 0)
            throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'no AP-REP token');
          this.#establish(initiatorSecondStep(phase.pending, token));
          return undefined;
        } catch (e) {
          // MIT's mutual_auth deletes the context on every failure.
          deadContexts.add(this);
          throw e;
        }
      }
      case 'spnego-init-wait': {
        try {
          if (token === undefined || token.length === 0)
            throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'no SPNEGO token from the acceptor');
          const r = await phase.initiator.next(token);
          if (r.established) this.#establish(r.established);
          return r.output;
        } catch (e) {
          deadContexts.add(this);
          throw e;
        }
      }
      case 'spnego-accept':
        return this.#spnegoAccept(phase.acceptor, token);
      case 'accept-start': {
        const o = phase.opts;
        const creds = o.credentials ?? (await Credentials.acquire({ usage: 'accept' }));
        const side = credsInternals.get(creds)?.acceptor;
        if (!side) throw new GssError(GSS_S_NO_CRED, 0, 'credentials cannot accept');
        if (token === undefined || token.length === 0) {
          // The acceptor speaks first: SPNEGO's NegTokenInit2, as MIT's default acceptor answers
          // an empty input token (docs/spnego.md).
          const acceptor = new SpnegoAcceptor(side, o.channelBindings);
          this.#phase = { kind: 'spnego-accept', acceptor };
          return acceptor.hints();
        }
        // MIT's default acceptor takes either mechanism, by the token's OID.
        if (isSpnegoInitialToken(token)) {
          const acceptor = new SpnegoAcceptor(side, o.channelBindings);
          this.#phase = { kind: 'spnego-accept', acceptor };
          return this.#spnegoAccept(acceptor, token);
        }
        try {
          const r = await acceptorStep(side, token, o.channelBindings);
          if (r.delegated) this.#delegated = await Credentials.fromDelegated(r.delegated);
          this.#pac = r.pac;
          this.#establish(r.state);
          return r.output;
        } catch (e) {
          if (e instanceof GssError) this.#errorToken = errorTokens.get(e);
          throw e;
        }
      }
    }
  }

  async #spnegoAccept(
    acceptor: SpnegoAcceptor,
    token: Uint8Array | undefined,
  ): Promise<Uint8Array | undefined> {
    try {
      if (token === undefined) throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'no token');
      const r = await acceptor.step(token);
      if (r.delegated) this.#delegated = await Credentials.fromDelegated(r.delegated);
      if (r.established) {
        this.#pac = r.pac;
        this.#establish(r.established);
      }
      return r.output;
    } catch (e) {
      if (e instanceof GssError) this.#errorToken = errorTokens.get(e);
      // MIT deletes a SPNEGO context on every failure.
      deadContexts.add(this);
      throw e;
    }
  }

  #establish(state: ContextState): void {
    redactKeys(state);
    contextStates.set(this, state);
    this.#phase = { kind: 'established' };
  }

  #state(): ContextState {
    const s = getContextState(this);
    if (s) return s;
    if (deadContexts.has(this)) throw noContext();
    throw noContext(MINOR.KG_CTX_INCOMPLETE, 'context is not established');
  }

  /**
   * True once establishment is complete (MIT: the last gss_init_sec_context /
   * gss_accept_sec_context returned GSS_S_COMPLETE).
   */
  get isEstablished(): boolean {
    return getContextState(this) !== undefined;
  }

  /** The KRB-ERROR token (RFC 4121 4.1, TOK_ID 03 00) of the last failed acceptor step, if any. */
  get errorToken(): Uint8Array | undefined {
    return this.#errorToken;
  }

  /** The credentials the initiator delegated (acceptor side, with GSS_C_DELEG_FLAG). */
  get delegatedCredentials(): Credentials | undefined {
    if (deadContexts.has(this)) throw noContext();
    return this.#delegated;
  }

  /**
   * The initiator's PAC (MS-PAC; acceptor side): SIDs, groups, UPN and domain as the KDC issued
   * them, verified with the service key before the context was established (a PAC that fails
   * refuses the context). Undefined when the ticket had none (MIT KDCs without a PAC, or
   * an initiator context). It stays with this handle: export does not carry it.
   */
  get pac(): Pac | undefined {
    if (deadContexts.has(this)) throw noContext();
    return this.#pac;
  }

  // Per-message services (RFC 4121 4.2), on the record.
  /**
   * GSS_Wrap (RFC 2743 2.3.3; MIT's gss_wrap): a Wrap token (RFC 4121 4.2.6.2) carrying `data`,
   * encrypted unless `confidential` is false. `qop` must be 0 (GSS_C_QOP_DEFAULT).
   */
  wrap(data: Uint8Array, opts: { confidential?: boolean; qop?: number } = {}): Uint8Array {
    return wrap(this.#live(), data, opts.confidential !== false, opts.qop ?? 0);
  }
  /**
   * GSS_Unwrap (RFC 2743 2.3.4; MIT's gss_unwrap): the message of a Wrap token, whether it was
   * encrypted, and the supplementary status (duplicate, old, unsequenced, gap), which is returned,
   * not thrown. Throws GSS_S_BAD_SIG or GSS_S_DEFECTIVE_TOKEN for a tampered or malformed token.
   */
  unwrap(token: Uint8Array): UnwrapResult {
    return unwrap(this.#live(), token);
  }
  /**
   * GSS_GetMIC (RFC 2743 2.3.1; MIT's gss_get_mic): a MIC token (RFC 4121 4.2.6.1) over `data`.
   * `qop` must be 0.
   */
  getMic(data: Uint8Array, qop = 0): Uint8Array {
    return getMic(this.#live(), data, qop);
  }
  /** Returns the supplementary status (0, or DUPLICATE/OLD/UNSEQ/GAP bits); throws on a bad MIC. */
  verifyMic(data: Uint8Array, mic: Uint8Array): number {
    return verifyMic(this.#live(), data, mic);
  }
  /**
   * GSS_Wrap_size_limit (RFC 2743 2.2.7; MIT's gss_wrap_size_limit): the largest message whose Wrap
   * token fits in `outputSize` bytes.
   */
  wrapSizeLimit(outputSize: number, opts: { confidential?: boolean; qop?: number } = {}): number {
    return wrapSizeLimit(this.#state(), opts.confidential !== false, outputSize, opts.qop ?? 0);
  }

  /**
   * The record for a per-message call. MIT 1.20 does not check the context's end time in its
   * per-message calls (only gss_context_time and gss_inquire_context report expiry), so neither
   * do we: a peer keeps exchanging messages on a context whose ticket has expired, as with MIT.
   */
  #live(): ContextState {
    return this.#state();
  }

  /** Seconds left: the ticket end time, plus the clock skew on the acceptor (MIT). */
  #remaining(s: ContextState): number {
    return s.endTime - nowSeconds() + (s.locallyInitiated ? 0 : loadProfile().clockSkew);
  }

  /** The initiator's name (GSS_Inquire_context src_name, RFC 2743 2.2.6). */
  get initiatorName(): Name {
    return Name.fromPrincipal(this.#state().initiatorName);
  }
  /** The acceptor's name (GSS_Inquire_context targ_name, RFC 2743 2.2.6). */
  get acceptorName(): Name {
    return Name.fromPrincipal(this.#state().acceptorName);
  }
  /** gss_inquire_context lifetime: seconds left, 0 when expired. */
  get lifetime(): number {
    return Math.max(0, this.#remaining(this.#state()));
  }
  /** gss_context_time: seconds left; GSS_S_CONTEXT_EXPIRED when none. */
  contextTime(): number {
    const t = this.#remaining(this.#state());
    if (t <= 0) throw new GssError(GSS_S_CONTEXT_EXPIRED, 0, 'context expired');
    return t;
  }
  /** The granted GSS_C_* flags. */
  get flags(): number {
    if (deadContexts.has(this)) throw noContext();
    const s = getContextState(this);
    if (s) return s.flags;
    const p = this.#phase;
    // RFC 2743 2.2.8: TRANS is reported only once the context is established (and exportable);
    // MIT sets it from the first step (docs/export-token.md).
    if (p.kind === 'spnego-init-wait') return p.initiator.pendingFlags & ~GSS_C_TRANS_FLAG;
    return p.kind === 'init-wait' ? p.pending.state.flags & ~GSS_C_TRANS_FLAG : 0;
  }
  /** True on the initiator's side (GSS_Inquire_context locally_initiated, RFC 2743 2.2.6). */
  get locallyInitiated(): boolean {
    if (deadContexts.has(this)) throw noContext();
    const p = this.#phase;
    return (
      p.kind === 'init-start' ||
      p.kind === 'init-wait' ||
      p.kind === 'spnego-init-wait' ||
      (getContextState(this)?.locallyInitiated ?? false)
    );
  }
  /**
   * GSS_Inquire_context open (RFC 2743 2.2.6): the same as `isEstablished`, but throws
   * GSS_S_NO_CONTEXT on a deleted or exported handle.
   */
  get isOpen(): boolean {
    if (deadContexts.has(this)) throw noContext();
    return this.isEstablished;
  }

  /**
   * gss_export_sec_context (docs/export-token.md): the interprocess token, sealed when a 32-byte
   * `key` is given. Afterwards this handle is dead (every call throws GSS_S_NO_CONTEXT) and its
   * keys are wiped. If the token cannot be made, nothing changes and the context stays usable.
   */
  export(opts: ExportOptions = {}): Uint8Array {
    if (deadContexts.has(this)) throw noContext();
    const s = getContextState(this);
    if (!s) {
      // RFC 2743 2.2.8: a context that is not fully established is not transferable.
      throw new GssError(GSS_S_UNAVAILABLE, MINOR.KG_CTX_INCOMPLETE, 'context is not fully established');
    }
    if (this.#remaining(s) <= 0) throw new GssError(GSS_S_CONTEXT_EXPIRED, 0, 'context expired');
    const token = encodeExportToken(s, opts);
    killContext(this);
    wipeKeys(s);
    return token;
  }

  /** gss_delete_sec_context: the keys are wiped; every later call throws GSS_S_NO_CONTEXT. */
  delete(): void {
    if (deadContexts.has(this)) throw noContext();
    const s = contextStates.get(this);
    if (s) wipeKeys(s);
    contextStates.delete(this);
    deadContexts.add(this);
  }
}
