/**
 * The server side of SASL GSSAPI (RFC 4752 3.1), independent of any transport: feed it each
 * client response, send back the challenge it returns until it returns undefined (success).
 * After the context is established it sends its security-layer offer wrapped for integrity,
 * then checks the client's choice and authorizes the requested identity.
 */
import { MINOR } from '../errors/minor.js';
import {
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_UNAUTHORIZED,
  GSS_S_UNAVAILABLE,
  GssError,
} from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { encodeLayerMessage, LAYER_BITS, parseLayerMessage, type SecurityLayer } from './layer-message.js';
import { checkLayers, checkMaxBuffer, DEFAULT_MAX_BUFFER, type SaslOutcome } from './options.js';
import { SaslSecurityLayer } from './security-layer.js';

/**
 * Decides whether `authenticationId` (the Kerberos principal) may act as `authorizationId`.
 * The default allows only itself: an empty identity, the principal, or, as Cyrus SASL's GSSAPI
 * plugin canonicalizes it, the principal without its realm when that is the server's realm.
 */
export type SaslAuthorize = (authenticationId: string, authorizationId: string) => boolean | Promise<boolean>;

/** Options of a `SaslGssapiServer`. */
export interface SaslGssapiServerOptions {
  /** Default: the keytab of KRB5_KTNAME, at the first step. */
  credentials?: Credentials;
  /** The layers we offer (default all three). */
  layers?: readonly SecurityLayer[];
  /** The largest wrapped buffer we accept (default 65536, at most 0xFFFFFF). */
  maxBufferSize?: number;
  /**
   * Decides whether the authenticated principal may act as the requested authorization identity; by
   * default only as itself, as Cyrus SASL does.
   */
  authorize?: SaslAuthorize;
}

type State = 'context' | 'ack' | 'choice' | 'done' | 'failed';

function sameIdentity(authn: string, authz: string, serverRealm: string): boolean {
  return authz === '' || authz === authn || `${authz}@${serverRealm}` === authn;
}

/**
 * The server side of the SASL GSSAPI mechanism (RFC 4752 3.1, as Cyrus SASL's gssapi plugin): feed
 * it each client response, send back each challenge; then `outcome` holds the identities and the
 * security layer.
 */
export class SaslGssapiServer {
  /** The SASL mechanism name, GSSAPI (RFC 4752). */
  readonly mechanism = 'GSSAPI';
  readonly #ctx: SecurityContext;
  readonly #layers: readonly SecurityLayer[];
  readonly #maxBuffer: number;
  readonly #authorize: SaslAuthorize | undefined;
  #state: State = 'context';
  #asked = false;
  #outcome: SaslOutcome | undefined;

  constructor(opts: SaslGssapiServerOptions = {}) {
    this.#layers = checkLayers(opts.layers ?? ['none', 'integrity', 'confidentiality']);
    this.#maxBuffer = checkMaxBuffer(opts.maxBufferSize ?? DEFAULT_MAX_BUFFER);
    this.#authorize = opts.authorize;
    this.#ctx = SecurityContext.accept({ credentials: opts.credentials });
  }

  /** One step: the client's response in; the next challenge out, or undefined on success. */
  async step(response: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return await this.#step(response);
    } catch (e) {
      this.#state = 'failed';
      throw e;
    }
  }

  async #step(response: Uint8Array): Promise<Uint8Array | undefined> {
    switch (this.#state) {
      case 'context': {
        // RFC 4422 5: a client that sent no initial response gets an empty challenge first.
        if (response.length === 0 && !this.#asked) {
          this.#asked = true;
          return new Uint8Array(0);
        }
        const token = await this.#ctx.step(response);
        if (!this.#ctx.isEstablished) return token ?? new Uint8Array(0);
        // RFC 4752 3.1: a last context token goes out alone; the client answers it empty.
        if (token && token.length > 0) {
          this.#state = 'ack';
          return token;
        }
        return this.#offer();
      }
      case 'ack':
        if (response.length !== 0)
          throw new GssError(
            GSS_S_DEFECTIVE_TOKEN,
            MINOR.KG_BAD_LENGTH,
            'SASL GSSAPI: expected an empty response',
          );
        return this.#offer();
      case 'choice':
        await this.#takeChoice(response);
        return undefined;
      case 'done':
        throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: the exchange is complete');
      case 'failed':
        throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: the exchange failed earlier');
    }
  }

  #offer(): Uint8Array {
    let bits = 0;
    for (const l of this.#layers) bits |= LAYER_BITS[l];
    const protecting = this.#layers.some((l) => l !== 'none');
    // RFC 4752 3.1: the maximum is 0 when no security layer is offered; wrapped without confidentiality.
    const offer = encodeLayerMessage(bits, protecting ? this.#maxBuffer : 0);
    this.#state = 'choice';
    return this.#ctx.wrap(offer, { confidential: false });
  }

  async #takeChoice(response: Uint8Array): Promise<void> {
    const choice = parseLayerMessage(this.#ctx.unwrap(response).message, false);
    const layer = (Object.keys(LAYER_BITS) as SecurityLayer[]).find((l) => LAYER_BITS[l] === choice.layers);
    if (!layer)
      throw new GssError(
        GSS_S_DEFECTIVE_TOKEN,
        0,
        `SASL GSSAPI: the client chose layer bits 0x${choice.layers.toString(16)}, not exactly one layer`,
      );
    if (!this.#layers.includes(layer))
      throw new GssError(
        GSS_S_UNAVAILABLE,
        0,
        `SASL GSSAPI: the client chose ${layer}, which was not offered`,
      );
    const authenticationId = this.#ctx.initiatorName.toString();
    const allowed = this.#authorize
      ? await this.#authorize(authenticationId, choice.authorizationId)
      : sameIdentity(authenticationId, choice.authorizationId, this.#ctx.acceptorName.principal.realm);
    if (!allowed)
      throw new GssError(
        GSS_S_UNAUTHORIZED,
        0,
        `SASL GSSAPI: ${authenticationId} may not act as ${choice.authorizationId}`,
      );
    this.#outcome = {
      layer,
      authenticationId,
      authorizationId: choice.authorizationId,
      securityLayer:
        layer === 'none'
          ? undefined
          : new SaslSecurityLayer(this.#ctx, layer, this.#maxBuffer, choice.maxBufferSize),
    };
    this.#state = 'done';
  }

  /** True once the client's choice is accepted and authorized. */
  get isComplete(): boolean {
    return this.#state === 'done';
  }

  /** The identities and layer of the completed exchange; throws GSS_S_FAILURE before completion. */
  get outcome(): SaslOutcome {
    if (!this.#outcome) throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: the exchange is not complete');
    return this.#outcome;
  }

  /** The underlying acceptor `SecurityContext`. */
  get context(): SecurityContext {
    return this.#ctx;
  }
}
