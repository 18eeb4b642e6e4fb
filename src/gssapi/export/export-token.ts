/**
 * The interprocess token of gss_export_sec_context (docs/export-token.md): mechglue framing
 * (4-byte big-endian OID length, mechanism OID, mechanism token), then our versioned mechanism
 * token, plain with a SHA-256 check value, or sealed with AES-256-GCM under a caller's key.
 */
import {
  aeadOpen,
  aeadSeal,
  constantTimeEqual,
  getProfile,
  randomBytes,
  sha256,
} from '../../crypto/index.js';
import { MINOR } from '../../errors/minor.js';
import {
  GSS_S_BAD_MECH,
  GSS_S_CALL_BAD_STRUCTURE,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_UNAUTHORIZED,
  GssError,
} from '../../errors/status.js';
import { toHex, writeUint32BE } from '../../util/bytes.js';
import { nowSeconds } from '../../util/clock.js';
import { Reader } from '../../util/reader.js';
import type { ContextState } from '../mech/krb5/context-state.js';
import { decodeContextBody, planContextBody } from '../mech/krb5/export-codec.js';

/** DER content of 1.2.840.113554.1.2.2, the Kerberos V5 mechanism (RFC 1964). */
export const KRB5_MECH_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02);

const MAGIC = Uint8Array.of(0x47, 0x54, 0x53, 0x58); // "GTSX"
export const EXPORT_TOKEN_VERSION = 1;
const MODE_PLAIN = 0;
const MODE_SEALED = 1;
const TOKEN_ID_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const CHECK_BYTES = 16;
/** The sealing key: 32 bytes for AES-256-GCM. */
export const SEAL_KEY_BYTES = 32;
const MAX_BODY = 64 * 1024;

/**
 * Options of GSS_Export_sec_context and GSS_Import_sec_context (RFC 2743 2.2.8, 2.2.9) for the
 * interprocess token of docs/export-token.md; MIT's calls have none, its tokens are never sealed.
 */
export interface ExportOptions {
  /** A 32-byte key shared with the importing process: the token is then sealed (AES-256-GCM). */
  key?: Uint8Array;
}

function checkSealKey(key: Uint8Array | undefined): void {
  if (key !== undefined && (!(key instanceof Uint8Array) || key.length !== SEAL_KEY_BYTES)) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_BAD_KEYSIZE ?? 0, 'the sealing key must be 32 bytes');
  }
}

/** The header's length: OID framing, magic, version, mode, token id. */
const HEADER_BYTES = 4 + KRB5_MECH_OID.length + MAGIC.length + 2 + TOKEN_ID_BYTES;

/**
 * Writes the header (OID framing, magic, version, mode, token id; the AEAD's associated data too)
 * at the start of `token` and returns the offset after it.
 */
function writeHeader(token: Uint8Array, mode: number, random: Uint8Array): number {
  writeUint32BE(token, 0, KRB5_MECH_OID.length);
  let off = 4;
  token.set(KRB5_MECH_OID, off);
  off += KRB5_MECH_OID.length;
  token.set(MAGIC, off);
  off += MAGIC.length;
  token[off++] = EXPORT_TOKEN_VERSION;
  token[off++] = mode;
  for (let i = 0; i < TOKEN_ID_BYTES; i++) token[off++] = random[i];
  return off;
}

/**
 * Builds the token for a record. Throws GssError and leaves `state` untouched on failure. The
 * token is allocated once at its final size and every field written in place (the body of a
 * plain token too; a sealed one's plaintext body goes through one scratch buffer, wiped).
 */
export function encodeExportToken(state: ContextState, opts: ExportOptions = {}): Uint8Array {
  checkSealKey(opts.key);
  const plan = planContextBody(state);
  // Token id and nonce from one call.
  const random = randomBytes(TOKEN_ID_BYTES + NONCE_BYTES);
  if (opts.key) {
    const headBytes = HEADER_BYTES + NONCE_BYTES + 4;
    const token = new Uint8Array(headBytes + plan.length + TAG_BYTES);
    let off = writeHeader(token, MODE_SEALED, random);
    const nonce = random.subarray(TOKEN_ID_BYTES);
    token.set(nonce, off);
    off += NONCE_BYTES;
    writeUint32BE(token, off, plan.length + TAG_BYTES);
    const body = new Uint8Array(plan.length);
    try {
      plan.write(body, 0);
      token.set(aeadSeal(opts.key, nonce, body, token.subarray(0, headBytes)), headBytes);
    } finally {
      body.fill(0);
    }
    return token;
  }
  const headBytes = HEADER_BYTES + 4;
  const token = new Uint8Array(headBytes + plan.length + CHECK_BYTES);
  writeUint32BE(token, writeHeader(token, MODE_PLAIN, random), plan.length);
  plan.write(token, headBytes);
  const end = headBytes + plan.length;
  token.set(sha256(token.subarray(0, end)).subarray(0, CHECK_BYTES), end);
  return token;
}

export interface DecodedExportToken {
  state: ContextState;
  /** Random per export: lets an importer refuse a second import of the same token. */
  tokenId: string;
  sealed: boolean;
}

/**
 * Parses and checks a token. Status codes of the mechglue layer are MIT's
 * (g_imp_sec_context.c): empty -> CALL_INACCESSIBLE_READ|DEFECTIVE_TOKEN, short or a bad OID
 * length -> CALL_BAD_STRUCTURE|DEFECTIVE_TOKEN, another mechanism -> BAD_MECH. Everything
 * wrong inside our mechanism token is DEFECTIVE_TOKEN (docs/export-token.md).
 */
export function decodeExportToken(token: Uint8Array, opts: ExportOptions = {}): DecodedExportToken {
  checkSealKey(opts.key);
  if (!(token instanceof Uint8Array) || token.length === 0) {
    throw new GssError(GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN, 0, 'empty interprocess token');
  }
  if (token.length < 4) {
    throw new GssError(GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN, 0, 'interprocess token too short');
  }
  const r = new Reader(token, (what) => bad(`truncated (${what})`, MINOR.KG_BAD_LENGTH));
  const oidLength = r.u32();
  if (oidLength === 0 || oidLength > token.length - 4) {
    throw new GssError(GSS_S_CALL_BAD_STRUCTURE | GSS_S_DEFECTIVE_TOKEN, 0, 'bad mechanism OID length');
  }
  const oid = r.bytes(oidLength);
  if (!sameBytes(oid, KRB5_MECH_OID)) {
    throw new GssError(GSS_S_BAD_MECH, 0, 'interprocess token of another mechanism');
  }
  if (!sameBytes(r.bytes(MAGIC.length, 'magic'), MAGIC)) throw bad('not a gssapi-ts context token');
  const version = r.u8('version');
  if (version !== EXPORT_TOKEN_VERSION) throw bad(`unsupported token version ${version}`);
  const mode = r.u8('mode');
  const tokenId = r.bytes(TOKEN_ID_BYTES, 'token id');
  if (mode === MODE_SEALED) {
    if (!opts.key) throw bad('the token is sealed and no key was given');
    const nonce = r.bytes(NONCE_BYTES, 'nonce');
    const n = r.u32('sealed length');
    if (n < TAG_BYTES || n > MAX_BODY + TAG_BYTES) throw bad('bad sealed length', MINOR.KG_BAD_LENGTH);
    const sealed = r.bytes(n, 'sealed body');
    r.end();
    const head = token.subarray(0, r.offset - n);
    let body: Uint8Array;
    try {
      body = aeadOpen(opts.key, nonce, sealed, head);
    } catch {
      // A flipped bit or another key: the minor code docs/export-token.md gives both cases.
      throw bad('authentication failed', MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
    }
    try {
      return { state: decodeContextBody(body, keyLength), tokenId: toHex(tokenId), sealed: true };
    } finally {
      body.fill(0);
    }
  }
  if (mode !== MODE_PLAIN) throw bad(`unknown token mode ${mode}`);
  if (opts.key) throw bad('a key was given and the token is not sealed');
  const n = r.u32('body length');
  if (n > MAX_BODY) throw bad('bad body length', MINOR.KG_BAD_LENGTH);
  const body = r.bytes(n, 'body');
  const check = r.bytes(CHECK_BYTES, 'check value');
  r.end();
  const expect = sha256(token.subarray(0, token.length - CHECK_BYTES)).subarray(0, CHECK_BYTES);
  if (!constantTimeEqual(expect, check))
    throw bad('check value mismatch', MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
  return { state: decodeContextBody(body, keyLength), tokenId: toHex(tokenId), sealed: false };
}

function keyLength(enctype: number): number {
  try {
    return getProfile(enctype).keyBytes;
  } catch {
    throw bad(`unsupported enctype ${enctype}`, MINOR.KRB5_BAD_ENCTYPE);
  }
}

function bad(what: string, minor: number = MINOR.G_BAD_TOK_HEADER): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, minor, `invalid interprocess token: ${what}`);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Single use within a process: a token id seen before is refused with GSS_S_UNAUTHORIZED
 * (RFC 2744 5.19: local policy prevents the import). Entries are kept until the context's end
 * time, so the set stays small.
 */
const imported = new Map<string, number>();
let nextSweep = 1024;

export function claimTokenId(tokenId: string, endTime: number): void {
  const now = nowSeconds();
  // Expired entries count as absent; they are swept when the map has doubled since the last
  // sweep (amortized O(1) per import: a scan per import made many imports quadratic).
  if (imported.size >= nextSweep) {
    for (const [id, end] of imported) if (end < now) imported.delete(id);
    nextSweep = Math.max(1024, imported.size * 2);
  }
  const seen = imported.get(tokenId);
  if (seen !== undefined && seen >= now) {
    throw new GssError(GSS_S_UNAUTHORIZED, 0, 'this interprocess token was imported already');
  }
  imported.set(tokenId, endTime);
}
