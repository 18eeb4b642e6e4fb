/**
 * The negotiated SASL security layer (RFC 4752 3.3, RFC 4422 3.7): every buffer is one RFC 4121
 * Wrap token behind a four-octet big-endian length. `encode` splits outgoing data so that no
 * token exceeds the peer's maximum buffer; `decode` reassembles frames from a byte stream and
 * refuses a frame over our own maximum before reading it.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';
import type { SecurityContext } from '../gssapi/context/context.js';
import { concat } from '../util/bytes.js';
import { MAX_BUFFER_LIMIT } from './layer-message.js';

/** A security layer that protects data (RFC 4752 3.3): integrity or confidentiality. */
export type ProtectingLayer = 'integrity' | 'confidentiality';

/**
 * The negotiated SASL security layer (RFC 4752 3.3, RFC 4422 3.7): each buffer one RFC 4121 Wrap
 * token behind a four-octet length, as Cyrus SASL's gssapi plugin frames it.
 */
export class SaslSecurityLayer {
  /** Which protection the Wrap tokens carry. */
  readonly layer: ProtectingLayer;
  /** The largest wrapped buffer we accept from the peer. */
  readonly maxReceiveSize: number;
  /** The largest wrapped buffer the peer accepts from us. */
  readonly maxSendSize: number;
  readonly #ctx: SecurityContext;
  readonly #chunk: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;

  constructor(ctx: SecurityContext, layer: ProtectingLayer, maxReceiveSize: number, maxSendSize: number) {
    this.#ctx = ctx;
    this.layer = layer;
    this.maxReceiveSize = maxReceiveSize;
    // RFC 4752 leaves 0 undefined for a protecting layer; Cyrus treats it as "no limit" (0xFFFFFF).
    this.maxSendSize = maxSendSize === 0 ? MAX_BUFFER_LIMIT : maxSendSize;
    this.#chunk = ctx.wrapSizeLimit(this.maxSendSize, { confidential: layer === 'confidentiality' });
    if (this.#chunk <= 0)
      throw new GssError(
        GSS_S_FAILURE,
        0,
        `SASL GSSAPI: peer max buffer ${maxSendSize} fits no wrapped data`,
      );
  }

  /** Wraps `data` into length-prefixed tokens, each within the peer's maximum buffer. */
  encode(data: Uint8Array): Uint8Array {
    const confidential = this.layer === 'confidentiality';
    const frames: Uint8Array[] = [];
    let off = 0;
    do {
      const piece = data.subarray(off, off + this.#chunk);
      off += piece.length;
      const token = this.#ctx.wrap(piece, { confidential });
      const frame = new Uint8Array(4 + token.length);
      new DataView(frame.buffer).setUint32(0, token.length);
      frame.set(token, 4);
      frames.push(frame);
    } while (off < data.length);
    return frames.length === 1 ? frames[0] : concat(...frames);
  }

  /**
   * Feeds received bytes; returns the plaintext of every frame now complete (possibly none).
   * A frame over maxReceiveSize, a failed unwrap, or a token without confidentiality under the
   * confidentiality layer is a GssError, and the layer is then unusable, as the stream is.
   */
  decode(bytes: Uint8Array): Uint8Array[] {
    if (bytes.length > 0) {
      this.#pending.push(bytes);
      this.#pendingBytes += bytes.length;
    }
    const out: Uint8Array[] = [];
    for (;;) {
      if (this.#pendingBytes < 4) return out;
      const buf = this.#flatten();
      const len = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0);
      if (len > this.maxReceiveSize)
        throw new GssError(
          GSS_S_DEFECTIVE_TOKEN,
          MINOR.KG_BAD_LENGTH,
          `SASL GSSAPI: frame of ${len} octets exceeds the negotiated maximum ${this.maxReceiveSize}`,
        );
      if (buf.length < 4 + len) return out;
      const token = buf.subarray(4, 4 + len);
      this.#pending = buf.length > 4 + len ? [buf.subarray(4 + len)] : [];
      this.#pendingBytes = buf.length - 4 - len;
      const r = this.#ctx.unwrap(token);
      if (this.layer === 'confidentiality' && !r.confidential)
        throw new GssError(
          GSS_S_BAD_SIG,
          0,
          'SASL GSSAPI: unencrypted frame under the confidentiality layer',
        );
      out.push(r.message);
    }
  }

  /** Bytes received but not yet a whole frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  #flatten(): Uint8Array {
    if (this.#pending.length > 1) this.#pending = [concat(...this.#pending)];
    return this.#pending[0];
  }
}
