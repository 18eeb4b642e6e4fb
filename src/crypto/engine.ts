/**
 * The RFC 3961 operations by enctype: encrypt, decrypt, checksums, PRF, string-to-key,
 * random-to-key. Resolves the profile once and hands off to the family's module.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import type { Key } from './key.js';
import { confounderBytes, constantTimeEqual, plainFrom, randomBytes } from './primitives.js';
import { type EnctypeProfile, getProfile, profileByChecksumType } from './profiles.js';
import { profileOfKey } from './rfc3961.js';
import * as rfc3962 from './rfc3962.js';
import * as rfc4757 from './rfc4757.js';
import * as rfc8009 from './rfc8009.js';

function family(p: EnctypeProfile): typeof rfc3962 | typeof rfc8009 | typeof rfc4757 {
  return p.family === 'rfc3962' ? rfc3962 : p.family === 'rfc8009' ? rfc8009 : rfc4757;
}

/** The one decryption failure: fixed text, same for a bad MAC and a bad length (no oracle). */
function integrityError(): GssError {
  return new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, 'decrypt integrity check failed');
}

/** Ciphertext length for a plaintext: confounder + plaintext + MAC (CTS needs no padding). */
export function encryptedLength(enctype: number, plaintextLength: number): number {
  const p = getProfile(enctype);
  return p.confounderBytes + plaintextLength + p.macBytes;
}

/**
 * Encrypts with the key's enctype for a key usage. `confounder` is for test vectors only;
 * by default it is fresh random bytes.
 */
export function encrypt(key: Key, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Uint8Array {
  const p = profileOfKey(key);
  const conf = confounder ?? confounderBytes(p.confounderBytes);
  if (conf.length !== p.confounderBytes) throw new RangeError('confounder must be one block');
  return family(p).encrypt(p, key, usage, [plaintext], conf);
}

/**
 * encrypt() of the concatenation of `parts`, into a buffer whose first `lead` bytes are left
 * for the caller (a token header in clear before the ciphertext): the whole buffer is returned,
 * the ciphertext from offset `lead`. Saves the copies of joining the parts and the header.
 */
export function encryptParts(
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  lead: number,
): Uint8Array {
  const p = profileOfKey(key);
  return family(p).encrypt(p, key, usage, parts, confounderBytes(p.confounderBytes), lead);
}

/**
 * decrypt() of `src[at..]` with the confounder (the enctype's confounderBytes) left in front, for callers that
 * take their own view of the plaintext (a Wrap token's message): one view instead of two.
 * Possibly a Buffer, so never to be handed on as it is.
 */
export function decryptWithConfounder(key: Key, usage: number, src: Uint8Array, at = 0): Uint8Array {
  const p = profileOfKey(key);
  const out = family(p).decryptWhole(p, key, usage, src, at);
  if (out === null) throw integrityError();
  return out;
}

/** Decrypts and checks integrity; GssError(GSS_S_FAILURE, KRB5KRB_AP_ERR_BAD_INTEGRITY) otherwise. */
export function decrypt(key: Key, usage: number, ciphertext: Uint8Array): Uint8Array {
  const p = profileOfKey(key);
  const out = family(p).decryptWhole(p, key, usage, ciphertext);
  if (out === null) throw integrityError();
  return plainFrom(out, p.confounderBytes);
}

export function checksumTypeForEnctype(enctype: number): number {
  return getProfile(enctype).checksumType;
}

/** The enctype's keyed checksum (types 15, 16, 19, 20) for a key usage. */
export function makeChecksum(key: Key, usage: number, data: Uint8Array): Uint8Array {
  return makeChecksumParts(key, usage, [data]);
}

/** A new array with the checksum of `parts` under profile `p`'s construction. */
function checksumOf(p: EnctypeProfile, key: Key, usage: number, parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(p.checksumBytes);
  family(p).checksumKey(p, key, usage).macInto(p.hash, parts, out, 0, p.checksumBytes);
  return out;
}

/** makeChecksum() of the concatenation of `parts`, without joining them first. */
export function makeChecksumParts(key: Key, usage: number, parts: readonly Uint8Array[]): Uint8Array {
  return checksumOf(profileOfKey(key), key, usage, parts);
}

/**
 * makeChecksumParts() written into `dst` at `at` (a token's checksum field, which must have
 * room for the enctype's checksumBytes): no checksum array of its own.
 */
export function makeChecksumInto(
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  dst: Uint8Array,
  at: number,
): void {
  const p = profileOfKey(key);
  family(p).checksumKey(p, key, usage).macInto(p.hash, parts, dst, at, p.checksumBytes);
}

/**
 * Whether `src[at..at + checksumBytes)` is the checksum of the concatenation of `parts`, compared
 * in constant time where it lies (false when `src` is too short).
 */
export function checkChecksumAt(
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  src: Uint8Array,
  at: number,
): boolean {
  const p = profileOfKey(key);
  return family(p).checksumKey(p, key, usage).macCheck(p.hash, parts, src, at, p.checksumBytes);
}

/** verifyChecksum() of the concatenation of `parts`. */
export function verifyChecksumParts(
  key: Key,
  usage: number,
  parts: readonly Uint8Array[],
  checksum: Uint8Array,
): boolean {
  return constantTimeEqual(makeChecksumParts(key, usage, parts), checksum);
}

/**
 * A keyed checksum by checksum type. As MIT's verify_key, the key must use the same AES
 * cipher (key size) as the checksum type, else KRB5_BAD_ENCTYPE; the checksum type then
 * decides the construction.
 */
export function makeChecksumOfType(cksumtype: number, key: Key, usage: number, data: Uint8Array): Uint8Array {
  const c = profileByChecksumType(cksumtype);
  const p = profileOfKey(key);
  if (p.keyBytes !== c.keyBytes) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_BAD_ENCTYPE, 'checksum type does not match the key');
  }
  return checksumOf(c, key, usage, [data]);
}

/** Constant-time check of the enctype's checksum; false for a wrong length. */
export function verifyChecksum(key: Key, usage: number, data: Uint8Array, checksum: Uint8Array): boolean {
  return constantTimeEqual(makeChecksum(key, usage, data), checksum);
}

/** Verifies a checksum of a given type (see makeChecksumOfType). */
export function verifyChecksumOfType(
  cksumtype: number,
  key: Key,
  usage: number,
  data: Uint8Array,
  checksum: Uint8Array,
): boolean {
  return constantTimeEqual(makeChecksumOfType(cksumtype, key, usage, data), checksum);
}

/** RFC 3961 PRF: 16 bytes for 17/18 (RFC 3962), 32 or 48 for 19/20 (RFC 8009), 20 for 23. */
export function prf(key: Key, input: Uint8Array): Uint8Array {
  const p = profileOfKey(key);
  return family(p).prf(p, key, input);
}

export function randomToKey(enctype: number, bytes: Uint8Array): Key {
  const p = getProfile(enctype);
  if (bytes.length !== p.seedBytes) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_CRYPTO_INTERNAL, 'random-to-key input has the wrong length');
  }
  // AES and RC4 random-to-key are the identity (RFC 3962 6, RFC 8009 5; MIT k5_rand2key_direct).
  return { enctype, keyvalue: bytes.slice() };
}

export function randomKey(enctype: number): Key {
  const p = getProfile(enctype);
  return randomToKey(enctype, randomBytes(p.seedBytes));
}

export interface StringToKeyOptions {
  /**
   * Accept s2kparams iteration counts below the enctype's default. MIT refuses them
   * (KRB5_ERR_BAD_S2K_PARAMS) except in its own tests; the RFC vectors need it.
   */
  readonly allowWeakIterations?: boolean;
}

/** MIT's implementation limit on iteration counts (s2k_pbkdf2.c MAX_ITERATION_COUNT). */
const MAX_ITERATIONS = 0x1000000;

function iterationsOf(p: EnctypeProfile, s2kparams: Uint8Array | undefined, allowWeak: boolean): number {
  if (s2kparams === undefined) return p.defaultIterations;
  const bad = () =>
    new GssError(GSS_S_FAILURE, MINOR.KRB5_ERR_BAD_S2K_PARAMS, 'bad string-to-key parameters');
  if (s2kparams.length !== 4) throw bad();
  const n = ((s2kparams[0] << 24) | (s2kparams[1] << 16) | (s2kparams[2] << 8) | s2kparams[3]) >>> 0;
  // Zero means 2^32 (RFC 3962 section 4), far above the limit.
  if (n === 0 || n >= MAX_ITERATIONS || (!allowWeak && n < p.defaultIterations)) throw bad();
  return n;
}

/**
 * string-to-key (RFC 3962 section 4, RFC 8009 section 4). A string password or salt is taken as
 * UTF-8. s2kparams: the 4-byte big-endian iteration count from ETYPE-INFO2, if any.
 */
export function stringToKey(
  enctype: number,
  password: string | Uint8Array,
  salt: string | Uint8Array,
  s2kparams?: Uint8Array,
  options: StringToKeyOptions = {},
): Key {
  const p = getProfile(enctype);
  // MIT krb5int_arcfour_string_to_key: RC4 takes no parameters at all.
  if (p.family === 'rfc4757' && s2kparams !== undefined) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_ERR_BAD_S2K_PARAMS, 'bad string-to-key parameters');
  }
  const iterations =
    p.family === 'rfc4757' ? 0 : iterationsOf(p, s2kparams, options.allowWeakIterations === true);
  const enc = new TextEncoder();
  const pw = typeof password === 'string' ? enc.encode(password) : password;
  const s = typeof salt === 'string' ? enc.encode(salt) : salt;
  return { enctype, keyvalue: family(p).stringToKey(p, pw, s, iterations) };
}

/** RFC 4120 section 4: the default salt is the realm followed by each name component. */
export function defaultSalt(realm: string, components: readonly string[]): string {
  return realm + components.join('');
}
