/**
 * The security-layer message of SASL GSSAPI (RFC 4752 3.1): one octet of layer bits, three octets
 * of maximum buffer size (network order), then, from the client only, the UTF-8 authorization
 * identity. It travels inside an RFC 4121 Wrap token; this file only frames the plaintext.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';

/** RFC 4752 3.3: the bit of each security layer in the first octet. */
export const SASL_LAYER_NONE = 1;
/** RFC 4752 3.3: the integrity-protection layer bit. */
export const SASL_LAYER_INTEGRITY = 2;
/** RFC 4752 3.3: the confidentiality-protection layer bit. */
export const SASL_LAYER_CONFIDENTIALITY = 4;

/** A SASL GSSAPI security layer (RFC 4752 3.3), by name. */
export type SecurityLayer = 'none' | 'integrity' | 'confidentiality';

export const LAYER_BITS: Readonly<Record<SecurityLayer, number>> = Object.freeze({
  none: SASL_LAYER_NONE,
  integrity: SASL_LAYER_INTEGRITY,
  confidentiality: SASL_LAYER_CONFIDENTIALITY,
});

/** The largest size three octets carry. */
export const MAX_BUFFER_LIMIT = 0xffffff;

export interface LayerMessage {
  /** The layer bits: offered (server) or chosen, exactly one (client). */
  readonly layers: number;
  /** The largest wrapped message the sender accepts (0: no security layer). */
  readonly maxBufferSize: number;
  /** The client's authorization identity ('' for none, and always '' from the server). */
  readonly authorizationId: string;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function defective(what: string): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR.KG_BAD_LENGTH, `SASL GSSAPI: ${what}`);
}

export function encodeLayerMessage(layers: number, maxBufferSize: number, authorizationId = ''): Uint8Array {
  if (!Number.isInteger(maxBufferSize) || maxBufferSize < 0 || maxBufferSize > MAX_BUFFER_LIMIT)
    throw new GssError(
      GSS_S_FAILURE,
      0,
      `SASL GSSAPI: max buffer size ${maxBufferSize} does not fit 3 octets`,
    );
  const authz = utf8.encode(authorizationId);
  const out = new Uint8Array(4 + authz.length);
  out[0] = layers & 0xff;
  out[1] = maxBufferSize >>> 16;
  out[2] = (maxBufferSize >>> 8) & 0xff;
  out[3] = maxBufferSize & 0xff;
  out.set(authz, 4);
  return out;
}

/**
 * Parses the unwrapped message. `fromServer`: RFC 4752 3.1 has the client check that the
 * server's message is exactly 4 octets; the client's may carry an authorization identity.
 */
export function parseLayerMessage(plain: Uint8Array, fromServer: boolean): LayerMessage {
  if (plain.length < 4) throw defective(`security-layer message of ${plain.length} octets, want 4`);
  if (fromServer && plain.length !== 4)
    throw defective(`server security-layer message of ${plain.length} octets, want 4`);
  let authorizationId = '';
  if (plain.length > 4) {
    try {
      authorizationId = strictUtf8.decode(plain.subarray(4));
    } catch {
      throw defective('authorization identity is not UTF-8');
    }
    if (authorizationId.includes('\0')) throw defective('authorization identity contains NUL');
  }
  return {
    layers: plain[0],
    maxBufferSize: (plain[1] << 16) | (plain[2] << 8) | plain[3],
    authorizationId,
  };
}
