/** gssapi-ts/http: HTTP Negotiate (RFC 4559) for Node servers and clients (docs/http.md). */
export {
  NegotiateAuthenticator,
  type NegotiateFailure,
  type NegotiateIdentity,
  type NegotiateOutcome,
  type NegotiateServerOptions,
} from './authenticator.js';
export type { NegotiateClientOptions } from './client-context.js';
export { type FastifyReplyLike, type FastifyRequestLike, negotiateHook } from './fastify.js';
export { type NegotiateFetchOptions, negotiateFetch } from './fetch.js';
export {
  authenticateNodeRequest,
  type NegotiatedRequest,
  type NodeRequestLike,
  type NodeResponseLike,
  negotiate,
  withNegotiate,
} from './node.js';
export {
  negotiateInterceptor,
  type UndiciController,
  type UndiciDispatch,
  type UndiciDispatchOptions,
  type UndiciHandler,
  type UndiciHeaders,
  type UndiciInterceptor,
  type UndiciRequestHeaders,
} from './undici.js';
