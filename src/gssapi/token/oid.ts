/**
 * OBJECT IDENTIFIER helpers (X.690 8.19) for GSS-API: the content octets are what a gss_OID's
 * `elements` hold, and what the RFC 2743 3.1 token header, the RFC 2743 3.2 exported name and
 * the interprocess token carry after their own tag or length.
 */
import { GSS_S_BAD_MECH, GssError } from '../../errors/status.js';

/** The Kerberos V5 GSS-API mechanism (RFC 1964 / RFC 4121). */
export const KRB5_MECH_OID = '1.2.840.113554.1.2.2';

/** Parses "1.2.840.113554.1.2.2" or MIT's gss_oid_to_str form "{ 1 2 840 113554 1 2 2 }". */
function parseArcs(text: string): bigint[] {
  const t = text.trim();
  const inner = t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1).trim() : t;
  const parts = inner.split(inner.includes('.') ? '.' : /\s+/);
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p))) throw badOid(`invalid OID text: ${text}`);
  return parts.map((p) => BigInt(p));
}

function badOid(message: string): GssError {
  return new GssError(GSS_S_BAD_MECH, 0, message);
}

function base128(v: bigint, out: number[]): void {
  const groups: number[] = [Number(v & 0x7fn)];
  for (let r = v >> 7n; r > 0n; r >>= 7n) groups.unshift(Number(r & 0x7fn) | 0x80);
  out.push(...groups);
}

/** The DER content octets of an OID given as text (throws GssError BAD_MECH for bad text). */
export function oidToBytes(text: string): Uint8Array {
  const arcs = parseArcs(text);
  const [first, second] = arcs;
  // X.690 8.19.4: the first two arcs share one subidentifier, 40 * X + Y with X in 0..2.
  if (first > 2n || (first < 2n && second > 39n)) throw badOid(`invalid OID text: ${text}`);
  const out: number[] = [];
  base128(first * 40n + second, out);
  for (const a of arcs.slice(2)) base128(a, out);
  return Uint8Array.from(out);
}

/**
 * The dotted text of OID content octets. Strict X.690: no empty OID, no 0x80 leading octet in a
 * subidentifier, no truncated last subidentifier. `fail` makes the error (default BAD_MECH).
 */
export function oidFromBytes(bytes: Uint8Array, fail: (what: string) => GssError = badOid): string {
  if (bytes.length === 0) throw fail('empty OID');
  const subids: bigint[] = [];
  let v = 0n;
  let start = true;
  for (const b of bytes) {
    if (start && b === 0x80) throw fail('non-minimal OID subidentifier');
    v = (v << 7n) | BigInt(b & 0x7f);
    start = (b & 0x80) === 0;
    if (start) {
      subids.push(v);
      v = 0n;
    }
  }
  if (!start) throw fail('truncated OID');
  const [head, ...rest] = subids;
  const first = head < 80n ? head / 40n : 2n;
  return [first, head - first * 40n, ...rest].join('.');
}

/** Octet-wise equality, as MIT's g_OID_equal. */
export function oidEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The mechanism OID's content octets: 2a 86 48 86 f7 12 01 02 02. */
export const KRB5_MECH_OID_BYTES: Uint8Array = oidToBytes(KRB5_MECH_OID);
