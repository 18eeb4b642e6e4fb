/**
 * The client side of SASL GSSAPI (RFC 4752 3.1), independent of any transport: feed it each
 * server challenge, send back what it returns. After the Kerberos context is established it
 * unwraps the server's security-layer offer, picks the strongest layer both sides allow, and
 * answers with its choice, its maximum buffer and the authorization identity.
 */
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GSS_S_UNAVAILABLE, GssError } from '../errors/status.js';
import { SecurityContext } from '../gssapi/context/context.js';
import type { Credentials } from '../gssapi/creds/creds.js';
import { GSS_C_CONF_FLAG, GSS_C_INTEG_FLAG } from '../gssapi/flags.js';
import { Name } from '../gssapi/names/names.js';
import {
  encodeLayerMessage,
  LAYER_BITS,
  type LayerMessage,
  parseLayerMessage,
  type SecurityLayer,
} from './layer-message.js';
import { checkLayers, checkMaxBuffer, DEFAULT_MAX_BUFFER, type SaslOutcome } from './options.js';
import { SaslSecurityLayer } from './security-layer.js';

export interface SaslGssapiClientOptions {
  /** The service, e.g. 'ldap' (RFC 4752 3.1: the target is the host-based name service@host). */
  service: string;
  /** The server's host name as the service principal has it (not resolved here). */
  host: string;
  /** Default: the ccache of KRB5CCNAME, at the first step. */
  credentials?: Credentials;
  /** Act on behalf of this identity (RFC 4422 3.4.1); '' or absent: the authenticated one. */
  authorizationId?: string;
  /** The layers acceptable to us, strongest first is not required: the strongest offered wins. */
  layers?: readonly SecurityLayer[];
  /** The largest wrapped buffer we accept (default 65536, at most 0xFFFFFF). */
  maxBufferSize?: number;
  /** Ask the KDC for a forwardable ticket and delegate it (GSS_C_DELEG_FLAG). */
  delegate?: boolean;
}

type State = 'context' | 'offer' | 'done' | 'failed';

const STRONGEST_FIRST: readonly SecurityLayer[] = ['confidentiality', 'integrity', 'none'];

export class SaslGssapiClient {
  /** The SASL mechanism name, GSSAPI (RFC 4752). */
  readonly mechanism = 'GSSAPI';
  readonly #ctx: SecurityContext;
  readonly #authorizationId: string;
  readonly #layers: readonly SecurityLayer[];
  readonly #maxBuffer: number;
  #state: State = 'context';
  #started = false;
  #outcome: SaslOutcome | undefined;

  constructor(opts: SaslGssapiClientOptions) {
    this.#authorizationId = opts.authorizationId ?? '';
    this.#layers = checkLayers(opts.layers ?? STRONGEST_FIRST);
    this.#maxBuffer = checkMaxBuffer(opts.maxBufferSize ?? DEFAULT_MAX_BUFFER);
    // Cyrus and MIT's sample client ask for mutual authentication and sequencing (RFC 4752 3.1
    // requires mutual_req_flag); confidentiality and integrity are granted by krb5 either way.
    this.#ctx = SecurityContext.initiate({
      target: Name.hostbased(`${opts.service}@${opts.host}`),
      credentials: opts.credentials,
      mutual: true,
      sequence: true,
      replayDetection: true,
      confidentiality: true,
      integrity: true,
      delegate: opts.delegate,
    });
  }

  /**
   * One step: the server's challenge in (nothing for the initial response), the response out.
   * An empty Uint8Array is an empty response, which SASL transports send as such.
   */
  async step(challenge?: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.#step(challenge ?? new Uint8Array(0));
    } catch (e) {
      this.#state = 'failed';
      throw e;
    }
  }

  async #step(challenge: Uint8Array): Promise<Uint8Array> {
    switch (this.#state) {
      case 'context': {
        const token = await this.#ctx.step(challenge.length === 0 && !this.#started ? undefined : challenge);
        this.#started = true;
        if (this.#ctx.isEstablished) this.#state = 'offer';
        return token ?? new Uint8Array(0);
      }
      case 'offer':
        return this.#answerOffer(challenge);
      case 'done':
        throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: the exchange is complete');
      case 'failed':
        throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: the exchange failed earlier');
    }
  }

  #answerOffer(challenge: Uint8Array): Uint8Array {
    if (challenge.length === 0)
      throw new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'SASL GSSAPI: empty security-layer offer');
    const offer: LayerMessage = parseLayerMessage(this.#ctx.unwrap(challenge).message, true);
    const granted = this.#ctx.flags;
    const usable = (l: SecurityLayer): boolean =>
      (offer.layers & LAYER_BITS[l]) !== 0 &&
      (l !== 'confidentiality' || (granted & GSS_C_CONF_FLAG) !== 0) &&
      (l !== 'integrity' || (granted & GSS_C_INTEG_FLAG) !== 0);
    const layer = STRONGEST_FIRST.find((l) => this.#layers.includes(l) && usable(l));
    if (!layer)
      throw new GssError(
        GSS_S_UNAVAILABLE,
        0,
        `SASL GSSAPI: no acceptable security layer (server offers 0x${offer.layers.toString(16)}, we allow ${this.#layers.join(', ')})`,
      );
    // RFC 4752 3.1: the client's maximum is 0 when it chose no security layer.
    const ownMax = layer === 'none' ? 0 : this.#maxBuffer;
    const reply = encodeLayerMessage(LAYER_BITS[layer], ownMax, this.#authorizationId);
    // RFC 4752 3.1: the client wraps its answer with conf_flag FALSE.
    const response = this.#ctx.wrap(reply, { confidential: false });
    this.#outcome = {
      layer,
      authenticationId: this.#ctx.initiatorName.toString(),
      authorizationId: this.#authorizationId,
      securityLayer:
        layer === 'none' ? undefined : new SaslSecurityLayer(this.#ctx, layer, ownMax, offer.maxBufferSize),
    };
    this.#state = 'done';
    return response;
  }

  /** True once the last response is made (the server then reports success). */
  get isComplete(): boolean {
    return this.#state === 'done';
  }

  /** The negotiated layer, identities, and the codec for integrity or confidentiality. */
  get outcome(): SaslOutcome {
    if (!this.#outcome) throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: the exchange is not complete');
    return this.#outcome;
  }

  /** The Kerberos context underneath (e.g. for its flags or lifetime). */
  get context(): SecurityContext {
    return this.#ctx;
  }
}
