/**
 * The node:http adapter: the same shapes serve Connect and Express, whose request and response
 * are node's. Typed structurally, so nothing here imports a framework.
 */
import {
  NegotiateAuthenticator,
  type NegotiateIdentity,
  type NegotiateServerOptions,
} from './authenticator.js';

/** What we read of a request: node's IncomingMessage (and Express's Request) satisfy it. */
export interface NodeRequestLike {
  /** The request headers (Authorization is read). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The TCP connection: a multi-leg handshake is bound to it (RFC 4559 6). */
  readonly socket?: object;
}

/** What we write of a response: node's ServerResponse (and Express's Response) satisfy it. */
export interface NodeResponseLike {
  /** Set to 401 when the request is refused. */
  statusCode: number;
  /** Sets a response header (WWW-Authenticate, Content-Type). */
  setHeader(name: string, value: string): unknown;
  /** Ends the response with the body. */
  end(body?: string): unknown;
}

/** A request once authenticated: `req.negotiate` is the client. */
export type NegotiatedRequest<R> = R & {
  /** The authenticated client. */
  negotiate: NegotiateIdentity;
};

function header(req: NodeRequestLike): string | undefined {
  const v = req.headers.authorization;
  // Two Authorization headers are not a credential (RFC 9110 11.6.2 allows one).
  return Array.isArray(v) ? (v.length === 1 ? v[0] : '') : v;
}

/**
 * Authenticates one request: on success sets the mutual authentication token on `res` and
 * returns the client; otherwise answers 401 with `WWW-Authenticate: Negotiate` and returns
 * undefined (the response is ended).
 */
export async function authenticateNodeRequest(
  auth: NegotiateAuthenticator,
  req: NodeRequestLike,
  res: NodeResponseLike,
): Promise<NegotiateIdentity | undefined> {
  const r = await auth.authenticate(header(req), req.socket);
  if (r.wwwAuthenticate) res.setHeader('WWW-Authenticate', r.wwwAuthenticate);
  if (r.status === 200) return r.identity;
  res.statusCode = 401;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end('Unauthorized\n');
  return undefined;
}

/**
 * Wraps a node:http request listener: `http.createServer(withNegotiate((req, res) => ...))`
 * runs the listener only for authenticated requests, with `req.negotiate` set.
 */
export function withNegotiate<Req extends NodeRequestLike, Res extends NodeResponseLike>(
  listener: (req: NegotiatedRequest<Req>, res: Res) => unknown,
  opts: NegotiateServerOptions | NegotiateAuthenticator = {},
): (req: Req, res: Res) => void {
  const auth = opts instanceof NegotiateAuthenticator ? opts : new NegotiateAuthenticator(opts);
  return (req, res) => {
    void authenticateNodeRequest(auth, req, res).then((identity) => {
      if (!identity) return;
      const r = req as NegotiatedRequest<Req>;
      r.negotiate = identity;
      return listener(r, res);
    });
  };
}

/**
 * Connect/Express middleware: `app.use(negotiate({ keytab }))`; the handlers after it see
 * `req.negotiate`. Unauthenticated requests get the 401 here and never reach them.
 */
export function negotiate(
  opts: NegotiateServerOptions | NegotiateAuthenticator = {},
): (req: NodeRequestLike, res: NodeResponseLike, next: (err?: unknown) => void) => void {
  const auth = opts instanceof NegotiateAuthenticator ? opts : new NegotiateAuthenticator(opts);
  return (req, res, next) => {
    authenticateNodeRequest(auth, req, res).then((identity) => {
      if (!identity) return;
      (req as NegotiatedRequest<NodeRequestLike>).negotiate = identity;
      next();
    }, next);
  };
}
