/**
 * The value a `ContextStore` keeps in Redis for one exported context: base64 text (replies are
 * strings) of a version byte, a 12-byte nonce and the AES-256-GCM sealing of the interprocess
 * token under the store's key, with the Redis key as associated data, so that a value copied to
 * another id, altered, or sealed under another key is refused. The key itself never leaves the
 * processes that share it. A value read back is outside input: every defect is a GssError.
 */
import { aeadOpen, aeadSeal, randomBytes } from '../crypto/index.js';
import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../errors/status.js';
import { concat, utf8 } from '../util/bytes.js';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function aad(redisKey: string): Uint8Array {
  return utf8(`gssapi-ts context store v${VERSION}\0${redisKey}`);
}

export function sealStoredToken(key: Uint8Array, redisKey: string, token: Uint8Array): string {
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = aeadSeal(key, nonce, token, aad(redisKey));
  return Buffer.from(concat(Uint8Array.of(VERSION), nonce, sealed)).toString('base64');
}

function bad(what: string, minor = 0): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, minor, `context store: ${what}`);
}

export function openStoredToken(key: Uint8Array, redisKey: string, value: unknown): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw bad('the stored value is not a sealed token');
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES)
    throw bad('the stored value is too short', MINOR.KG_BAD_LENGTH);
  if (bytes[0] !== VERSION) throw bad(`unknown stored token version ${bytes[0]}`);
  try {
    return aeadOpen(key, bytes.subarray(1, 1 + NONCE_BYTES), bytes.subarray(1 + NONCE_BYTES), aad(redisKey));
  } catch {
    // Tampered in Redis, moved from another id, or sealed under another key: one answer for all.
    throw bad('the stored token failed authentication', MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
  }
}
