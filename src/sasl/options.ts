/** What both SASL GSSAPI engines share: option checks and the outcome of a finished exchange. */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { MAX_BUFFER_LIMIT, type SecurityLayer } from './layer-message.js';
import type { SaslSecurityLayer } from './security-layer.js';

/** Cyrus SASL's default maxbufsize (sasl.h SASL_MAXOUTBUF is 65536 as well). */
export const DEFAULT_MAX_BUFFER = 65536;

/**
 * The result of a completed SASL GSSAPI exchange (RFC 4752 3.1): who authenticated, as whom they
 * act, and the negotiated layer.
 */
export interface SaslOutcome {
  /** The security layer both sides chose. */
  readonly layer: SecurityLayer;
  /** The Kerberos principal that authenticated (the initiator's name). */
  readonly authenticationId: string;
  /** The identity to act as: what the client asked for, or '' for the authenticated one. */
  readonly authorizationId: string;
  /** Wraps and unwraps the session after authentication; absent for the layer 'none'. */
  readonly securityLayer: SaslSecurityLayer | undefined;
}

const KNOWN: readonly SecurityLayer[] = ['none', 'integrity', 'confidentiality'];

export function checkLayers(layers: readonly SecurityLayer[]): readonly SecurityLayer[] {
  if (layers.length === 0) throw new GssError(GSS_S_FAILURE, 0, 'SASL GSSAPI: no security layer allowed');
  for (const l of layers)
    if (!KNOWN.includes(l))
      throw new GssError(GSS_S_FAILURE, 0, `SASL GSSAPI: unknown security layer ${String(l)}`);
  return Object.freeze([...layers]);
}

export function checkMaxBuffer(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_BUFFER_LIMIT)
    throw new GssError(GSS_S_FAILURE, 0, `SASL GSSAPI: max buffer size must be 1..${MAX_BUFFER_LIMIT}`);
  return n;
}
