/**
 * The `Negotiate` credentials and challenges of RFC 4559 4: `Authorization: Negotiate <token68>`
 * and `WWW-Authenticate: Negotiate [<token68>]`, the token in base64 (RFC 4648 4). Parsing is
 * strict (one scheme, one token, canonical base64) and bounded, and it never throws: a header
 * that is not a usable Negotiate credential gives a reason, which the server logs and answers
 * with a plain challenge.
 */

export type NegotiateHeader =
  | { readonly ok: true; readonly token: Uint8Array }
  | { readonly ok: false; readonly reason: string; readonly absent?: boolean };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** The base64 length of `bytes` bytes of token. */
function encodedLength(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/**
 * The token of a `Negotiate` header value (`Authorization` on the server, `WWW-Authenticate` on
 * the client, where a bare `Negotiate` is a challenge without a token). `maxTokenSize` bounds
 * the decoded token; a longer header is refused before it is decoded.
 */
export function parseNegotiate(value: string | undefined, maxTokenSize: number): NegotiateHeader {
  const v = value?.trim();
  if (v === undefined || v === '') return { ok: false, reason: 'no Authorization header', absent: true };
  // auth-scheme [ 1*SP token68 ] (RFC 9110 11.4), split at the first white space: linear work,
  // whatever the client sends.
  const sp = v.search(/\s/);
  const scheme = sp < 0 ? v : v.slice(0, sp);
  if (!TOKEN.test(scheme)) return { ok: false, reason: 'malformed Authorization header' };
  if (scheme.toLowerCase() !== 'negotiate')
    return {
      ok: false,
      reason: `scheme ${JSON.stringify(scheme.slice(0, 20))} is not Negotiate`,
      absent: true,
    };
  const b64 = sp < 0 ? '' : v.slice(sp).trimStart();
  if (b64 === '') return { ok: false, reason: 'Negotiate without a token' };
  if (b64.length > encodedLength(maxTokenSize)) {
    return {
      ok: false,
      reason: `Negotiate token of ${b64.length} base64 characters exceeds the ${maxTokenSize}-byte limit`,
    };
  }
  if (b64.length % 4 !== 0) return { ok: false, reason: 'Negotiate token is not base64' };
  // Decoded straight into the token's own memory; then canonical form only: re-encoding gives
  // the same text (node's decoder skips stray characters, and padding bits must be zero).
  const buf = new Uint8Array((b64.length / 4) * 3);
  const token = buf.subarray(0, Buffer.from(buf.buffer).write(b64, 'base64'));
  if (Buffer.from(token.buffer, 0, token.length).toString('base64') !== b64) {
    return BASE64.test(b64)
      ? { ok: false, reason: 'Negotiate token is not canonical base64' }
      : { ok: false, reason: 'Negotiate token is not base64' };
  }
  if (token.length === 0) return { ok: false, reason: 'empty Negotiate token' };
  return { ok: true, token };
}

/** `Negotiate`, or `Negotiate <base64 token>` (RFC 4559 4.1, 5). */
export function negotiateChallenge(token?: Uint8Array): string {
  return token && token.length > 0 ? `Negotiate ${Buffer.from(token).toString('base64')}` : 'Negotiate';
}

/** The Negotiate challenge among a response's WWW-Authenticate values, if there is one. */
export function findNegotiateChallenge(values: string | null | undefined): string | undefined {
  if (!values) return undefined;
  // Fetch joins several WWW-Authenticate headers with ", "; a Negotiate challenge is either the
  // bare scheme or the scheme and one token68, so it is found by its own boundaries.
  const m = /(?:^|,)\s*(negotiate)(?:\s+([A-Za-z0-9+/]+={0,2}))?\s*(?=,|$)/i.exec(values);
  if (!m) return undefined;
  return m[2] ? `Negotiate ${m[2]}` : 'Negotiate';
}
