/**
 * The bits of PostgreSQL's frontend/backend protocol (protocol-flow.html, "GSSAPI Session
 * Encryption" and "GSSAPI Authentication") that GSS needs: the GSSENCRequest, the packets of the
 * encrypted session, and the authentication messages AuthenticationGSS (R, 7),
 * AuthenticationGSSContinue (R, 8) and GSSResponse (p).
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../errors/status.js';
import { readUint32BE, writeUint32BE } from '../util/bytes.js';

/** GSSENCRequest: length 8, then the code 1234 << 16 | 5680 (80877104). */
export const GSSENC_REQUEST_CODE = 80877104;

/**
 * PQ_GSS_SEND_BUFFER_SIZE / PQ_GSS_RECV_BUFFER_SIZE of PostgreSQL 12-15 (be-secure-gssapi.c,
 * fe-secure-gssapi.c): a packet, its 4-octet length included, is at most 16384 octets, during
 * the handshake and after it; the server closes the connection on a larger one.
 */
export const GSS_PACKET_MAX = 16384;
export const GSS_TOKEN_MAX = GSS_PACKET_MAX - 4;

export const AUTH_REQ_OK = 0;
export const AUTH_REQ_GSS = 7;
export const AUTH_REQ_GSS_CONT = 8;

export function gssEncRequest(): Uint8Array {
  const out = new Uint8Array(8);
  writeUint32BE(out, 0, 8);
  writeUint32BE(out, 4, GSSENC_REQUEST_CODE);
  return out;
}

/** One packet of the GSS-encrypted session or its handshake: 4-octet length, then the token. */
export function gssPacket(token: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + token.length);
  writeUint32BE(out, 0, token.length);
  out.set(token, 4);
  return out;
}

/** GSSResponse: 'p', the length (itself included), the token. */
export function gssResponse(token: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + token.length);
  out[0] = 0x70;
  writeUint32BE(out, 1, 4 + token.length);
  out.set(token, 5);
  return out;
}

/**
 * Splits whole packets off the front of `buf`: the tokens, and the offset where the unfinished
 * rest begins. A length over GSS_TOKEN_MAX is refused before its bytes arrive, as the server does.
 */
export function splitGssPackets(buf: Uint8Array): { tokens: Uint8Array[]; used: number } {
  const tokens: Uint8Array[] = [];
  let off = 0;
  while (buf.length - off >= 4) {
    const len = readUint32BE(buf, off);
    if (len > GSS_TOKEN_MAX)
      throw new GssError(
        GSS_S_DEFECTIVE_TOKEN,
        MINOR.KG_BAD_LENGTH,
        `PostgreSQL GSS: packet of ${len} octets exceeds ${GSS_TOKEN_MAX}`,
      );
    if (buf.length - off - 4 < len) break;
    tokens.push(buf.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return { tokens, used: off };
}

export interface BackendMessage {
  /** The type octet, e.g. 0x52 'R'. */
  readonly type: number;
  /** The body after the length. */
  readonly body: Uint8Array;
  /** The whole message as it came, to pass on unchanged. */
  readonly raw: Uint8Array;
}

/**
 * Splits whole backend messages (type octet, 4-octet length that counts itself) off the front of
 * `buf`. Only the start-up phase is parsed this way; `maxLength` bounds what is buffered.
 */
export function splitBackendMessages(
  buf: Uint8Array,
  maxLength: number,
): { messages: BackendMessage[]; used: number } {
  const messages: BackendMessage[] = [];
  let off = 0;
  while (buf.length - off >= 5) {
    const len = readUint32BE(buf, off + 1);
    if (len < 4 || len > maxLength)
      throw new GssError(
        GSS_S_DEFECTIVE_TOKEN,
        MINOR.KG_BAD_LENGTH,
        `PostgreSQL: message length ${len} out of range`,
      );
    if (buf.length - off - 1 < len) break;
    messages.push({
      type: buf[off],
      body: buf.subarray(off + 5, off + 1 + len),
      raw: buf.subarray(off, off + 1 + len),
    });
    off += 1 + len;
  }
  return { messages, used: off };
}

/** The authentication request code of an 'R' message, or -1 when the body is too short. */
export function authCode(body: Uint8Array): number {
  return body.length >= 4 ? readUint32BE(body, 0) : -1;
}
