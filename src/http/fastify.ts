/**
 * The Fastify adapter: an `onRequest` hook, typed structurally (src/ does not import fastify).
 *   fastify.decorateRequest('negotiate', null);
 *   fastify.addHook('onRequest', negotiateHook({ keytab }));
 */
import {
  NegotiateAuthenticator,
  type NegotiateIdentity,
  type NegotiateServerOptions,
} from './authenticator.js';

/** What we read of a Fastify request. */
export interface FastifyRequestLike {
  /** The request headers (Authorization is read). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The node request underneath: its socket binds a multi-leg handshake. */
  readonly raw: {
    /** The connection a multi-leg handshake stays on. */
    readonly socket?: object;
  };
  /** Set by the hook to the authenticated client (decorate the request with it first). */
  negotiate?: NegotiateIdentity | null;
}

/** What we call on a Fastify reply (each returns the reply, as Fastify's do). */
export interface FastifyReplyLike {
  /** Sets the status code (401 here). */
  code(statusCode: number): FastifyReplyLike;
  /** Sets a response header (WWW-Authenticate, Content-Type). */
  header(name: string, value: string): FastifyReplyLike;
  /** Sends the body and ends the reply. */
  send(payload?: string): FastifyReplyLike;
}

/**
 * A Fastify `onRequest` hook: authenticated requests go on with `request.negotiate` set (and the
 * mutual authentication token in WWW-Authenticate); others get the 401 here.
 */
export function negotiateHook(
  opts: NegotiateServerOptions | NegotiateAuthenticator = {},
): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> {
  const auth = opts instanceof NegotiateAuthenticator ? opts : new NegotiateAuthenticator(opts);
  return async (request, reply) => {
    const v = request.headers.authorization;
    const value = Array.isArray(v) ? (v.length === 1 ? v[0] : '') : v;
    const r = await auth.authenticate(value, request.raw.socket);
    if (r.wwwAuthenticate) reply.header('WWW-Authenticate', r.wwwAuthenticate);
    if (r.status === 200) {
      request.negotiate = r.identity;
      return undefined;
    }
    // Sending from an async hook ends the request here (Fastify's documented pattern).
    return reply.code(401).header('Content-Type', 'text/plain; charset=utf-8').send('Unauthorized\n');
  };
}
