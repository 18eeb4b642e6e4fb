/**
 * RFC 2743 3.1 initial context token framing, as MIT krb5 1.20 reads and writes it
 * (src/lib/gssapi/generic/util_token.c):
 *
 *   0x60 <DER length> 0x06 <OID length> <mech OID> <TOK_ID (2 bytes)> <inner token>
 *
 * RFC 4121 4.1 names the inner token types; MIT's error codes for bad framing are kept, because
 * the acceptor acts on them (G_WRONG_TOKID and G_BAD_TOK_HEADER are not plain failures there).
 */
import { DerNode, type DerPart } from '../../asn1/der-tree.js';
import { CLASS_APPLICATION } from '../../asn1/tlv.js';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_BAD_MECH, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../errors/status.js';
import { KRB5_MECH_OID_BYTES, oidEqual } from './oid.js';

/** RFC 4121 4.1 TOK_ID values of the context establishment tokens. */
export const TOK_ID_AP_REQ = 0x0100;
export const TOK_ID_AP_REP = 0x0200;
export const TOK_ID_KRB_ERROR = 0x0300;

/** The DER length octets of n (X.690 8.1.3, minimal form, as MIT's der_write_length). */
export function derLength(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError('bad DER length');
  if (n < 0x80) return Uint8Array.of(n);
  let k = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) k++;
  const out = new Uint8Array(1 + k);
  out[0] = 0x80 | k;
  for (let i = k, v = n; i >= 1; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

/**
 * Frames an inner token: 0x60, length, the mech OID, then the 2-byte TOK_ID (omitted when
 * `tokId` is -1, as MIT's g_make_token_header).
 */
export function wrapInitialContextToken(
  tokId: number,
  innerToken: Uint8Array,
  mech: Uint8Array = KRB5_MECH_OID_BYTES,
): Uint8Array {
  if (mech.length > 0x7f) throw new RangeError('mechanism OID too long');
  const tokLen = tokId === -1 ? 0 : 2;
  const seqLen = 2 + mech.length + tokLen + innerToken.length;
  const len = derLength(seqLen);
  const out = new Uint8Array(1 + len.length + seqLen);
  out[0] = 0x60;
  out.set(len, 1);
  let off = 1 + len.length;
  out[off++] = 0x06;
  out[off++] = mech.length;
  out.set(mech, off);
  off += mech.length;
  if (tokId !== -1) {
    out[off++] = (tokId >>> 8) & 0xff;
    out[off++] = tokId & 0xff;
  }
  out.set(innerToken, off);
  return out;
}

/**
 * The framing of wrapInitialContextToken as a DER tree (asn1/der-tree.ts), so that the inner
 * token is written straight into the framed one: the same bytes (0x60 is [APPLICATION 0],
 * constructed, and its length is DER's).
 */
export function initialContextTokenNode(tokId: number, inner: DerPart, mech: Uint8Array): DerNode {
  if (mech.length > 0x7f) throw new RangeError('mechanism OID too long');
  const oid = new Uint8Array(2 + mech.length);
  oid[0] = 0x06;
  oid[1] = mech.length;
  oid.set(mech, 2);
  const id = tokId === -1 ? undefined : Uint8Array.of((tokId >>> 8) & 0xff, tokId & 0xff);
  return new DerNode(CLASS_APPLICATION, true, 0, [oid, id, inner]);
}

export type TokenHeaderResult =
  | { readonly ok: true; readonly body: Uint8Array; readonly wrapped: boolean }
  | { readonly ok: false; readonly minor: number };

/**
 * MIT 1.20's g_verify_token_header, step for step. Returns the body after the header (and after
 * the TOK_ID unless `tokId` is -1), or the MIT minor code: G_BAD_TOK_HEADER, G_WRONG_MECH or
 * G_WRONG_TOKID. Without `wrapperRequired`, a token that does not start with 0x60 is taken raw
 * (MIT's per-message tokens and DCE-style context tokens).
 */
export function verifyTokenHeader(
  token: Uint8Array,
  mech: Uint8Array,
  tokId: number,
  wrapperRequired: boolean,
): TokenHeaderResult {
  const bad = { ok: false, minor: MINOR.G_BAD_TOK_HEADER } as const;
  let pos = 0;
  let wrapped = false;
  if (token.length < 1) return bad;
  if (token[0] === 0x60) {
    wrapped = true;
    pos = 1;
    // der_read_length: short form, or 1 to 4 length octets (non-minimal accepted), value < 2^31,
    // and at least one octet must follow the length octets.
    if (pos >= token.length) return bad;
    const sf = token[pos++];
    let seqSize = sf;
    if (sf & 0x80) {
      const n = sf & 0x7f;
      if (n > token.length - pos - 1 || n > 4) return bad;
      seqSize = 0;
      for (let i = 0; i < n; i++) seqSize = seqSize * 256 + token[pos++];
      if (seqSize > 0x7fffffff) return bad;
    }
    if (seqSize !== token.length - pos) return bad;
    if (pos >= token.length || token[pos++] !== 0x06) return bad;
    if (pos >= token.length) return bad;
    const oidLen = token[pos++];
    if (oidLen > token.length - pos) return bad;
    const oid = token.subarray(pos, pos + oidLen);
    pos += oidLen;
    if (!oidEqual(oid, mech)) return { ok: false, minor: MINOR.G_WRONG_MECH };
  } else if (wrapperRequired) {
    return bad;
  }
  if (tokId !== -1) {
    if (token.length - pos < 2) return bad;
    if (token[pos] !== ((tokId >>> 8) & 0xff) || token[pos + 1] !== (tokId & 0xff)) {
      return { ok: false, minor: MINOR.G_WRONG_TOKID };
    }
    pos += 2;
  }
  return { ok: true, body: token.subarray(pos), wrapped };
}

/**
 * Unframes an initial context token whose TOK_ID must be `tokId` and whose mechanism must be
 * `mech`. Throws GssError: BAD_MECH with G_WRONG_MECH for another mechanism, DEFECTIVE_TOKEN with
 * G_BAD_TOK_HEADER or G_WRONG_TOKID otherwise. Returns a view of the inner token after TOK_ID.
 */
export function unwrapInitialContextToken(
  token: Uint8Array,
  tokId: number,
  mech: Uint8Array = KRB5_MECH_OID_BYTES,
): Uint8Array {
  const r = verifyTokenHeader(token, mech, tokId, true);
  if (r.ok) return r.body;
  const major = r.minor === MINOR.G_WRONG_MECH ? GSS_S_BAD_MECH : GSS_S_DEFECTIVE_TOKEN;
  throw new GssError(major, r.minor);
}
