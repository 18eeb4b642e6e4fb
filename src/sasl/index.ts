/** gssapi-ts/sasl: the SASL GSSAPI mechanism (RFC 4752), client and server, transport-free. */
export { SaslGssapiClient, type SaslGssapiClientOptions } from './client.js';
export {
  SASL_LAYER_CONFIDENTIALITY,
  SASL_LAYER_INTEGRITY,
  SASL_LAYER_NONE,
  type SecurityLayer,
} from './layer-message.js';
export type { SaslOutcome } from './options.js';
export { type ProtectingLayer, SaslSecurityLayer } from './security-layer.js';
export { type SaslAuthorize, SaslGssapiServer, type SaslGssapiServerOptions } from './server.js';
