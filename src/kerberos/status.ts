/**
 * Errors and base64 as the `kerberos` addon (mongodb-js/kerberos 7.0.0, src/unix/kerberos_gss.cc
 * and base64.cc) makes them, so code written against the addon sees the same strings.
 */
import { minorMessage } from '../errors/minor.js';
import { displayStatus, GssError } from '../errors/status.js';

/**
 * gss_error_result: one gss_display_status of the major code, then one of the minor code,
 * joined by ': ' (the addon's loop shares one message context between the two calls, so for
 * the routine errors GSS calls return it runs once). The GssError stays reachable as `cause`.
 */
export function addonError(e: unknown): Error {
  if (!(e instanceof GssError)) return e instanceof Error ? e : new Error(String(e));
  const major = displayStatus(e.major, 'gss').message;
  const minor = displayStatus(e.minor, 'mech').message;
  return new Error(`${major}: ${minor}`, { cause: e });
}

/**
 * gss_error_result_with_message_and_code: krb5 calls report com_err's text and the code as
 * the signed krb5_error_code, e.g. "Preauthentication failed (-1765328360)".
 */
export function krb5CodeError(what: string | undefined, e: unknown): Error {
  if (!(e instanceof GssError)) return e instanceof Error ? e : new Error(String(e));
  return new Error(`${what ?? minorMessage(e.minor)} (${e.minor | 0})`, { cause: e });
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

function sextet(s: string, i: number): number {
  const c = i < s.length ? s.charCodeAt(i) : 0;
  return c < 128 ? INDEX[c] : -1;
}

/**
 * The addon's base64_decode: groups of four, '=' only in the last two places of a group,
 * anything else (a short group, a space, a URL-safe letter) makes the whole result empty. It
 * stops at a NUL, as the C string does. `memory` is what the C buffer then holds: the bytes
 * decoded before the bad group, the first one zeroed (wrap reads it whatever the length).
 */
export function decodeBase64(s: string): { bytes: Uint8Array; memory: Uint8Array } {
  const nul = s.indexOf('\0');
  const text = nul < 0 ? s : s.slice(0, nul);
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 1);
  let n = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c1 = sextet(text, i);
    const c2 = sextet(text, i + 1);
    const pad3 = text[i + 2] === '=';
    const pad4 = text[i + 3] === '=';
    const c3 = pad3 ? 0 : sextet(text, i + 2);
    const c4 = pad4 ? 0 : sextet(text, i + 3);
    if (c1 < 0 || c2 < 0 || c3 < 0 || c4 < 0) {
      out[0] = 0;
      return { bytes: new Uint8Array(0), memory: out.subarray(0, n) };
    }
    out[n++] = (c1 << 2) | (c2 >> 4);
    if (pad3) continue;
    out[n++] = ((c2 << 4) & 0xf0) | (c3 >> 2);
    if (pad4) continue;
    out[n++] = ((c3 << 6) & 0xc0) | c4;
  }
  const bytes = out.subarray(0, n);
  return { bytes, memory: bytes };
}

/** base64_encode: the standard alphabet with '=' padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
