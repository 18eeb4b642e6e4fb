/**
 * RFC 3961 framework pieces shared by both families: key-usage constants (section 5.3), DR/DK
 * with n-fold (section 5.1), key validation, and the per-Key cache of derived keys.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { CtsKey } from './cts.js';
import type { Key } from './key.js';
import { nfold } from './nfold.js';
import { aesEncryptBlocks, type CbcEncryptor, ecbEncryptor, MacKey } from './primitives.js';
import { type EnctypeProfile, getProfile } from './profiles.js';

/** The last byte of a derivation constant (RFC 3961 section 5.3). */
export const KC = 0x99;
export const KE = 0xaa;
export const KI = 0x55;

/** usage (4 bytes, big-endian) | kind: the well-known constant of RFC 3961 section 5.3. */
export function usageConstant(usage: number, kind: number): Uint8Array {
  if (!Number.isInteger(usage) || usage < 0 || usage > 0xffffffff)
    throw new RangeError('key usage out of range');
  return Uint8Array.of(usage >>> 24, (usage >>> 16) & 0xff, (usage >>> 8) & 0xff, usage & 0xff, kind);
}

/**
 * DR(Key, Constant) for AES (RFC 3961 section 5.1, RFC 3962 section 4): n-fold the constant to
 * one block, then encrypt it, and each output again, each with the initial (zero) cipher state,
 * until outBytes bytes are produced. AES random-to-key is the identity, so DK = DR.
 */
export function dk(base: Uint8Array, constant: Uint8Array, outBytes: number): Uint8Array {
  const blocks = Math.ceil(outBytes / 16);
  return aesEncryptBlocks(base, foldedConstant(constant), blocks).slice(0, outBytes);
}

/**
 * dk() for a Key object: the same bytes, from one AES-ECB context per base key (a new session
 * key or subkey derives several keys in a row, each costing a context otherwise). Only the last
 * few base keys keep theirs: derivations come in bursts, and an idle security context should
 * not hold an OpenSSL context for keys it derived long ago.
 */
export function dkOf(key: Key, constant: Uint8Array, outBytes: number): Uint8Array {
  const c = drContext(key);
  const blocks = Math.ceil(outBytes / 16);
  const out = new Uint8Array(blocks * 16);
  let block: Uint8Array = foldedConstant(constant);
  for (let i = 0; i < blocks; i++) {
    block = c.update(block);
    out.set(block, i * 16);
  }
  block.fill(0);
  if (blocks * 16 === outBytes) return out;
  const k = out.slice(0, outBytes);
  out.fill(0);
  return k;
}

/** The base keys of the last derivations and their AES-ECB contexts, most recent first. */
const DR_KEYS = 4;
const drContexts: { key: Key; c: CbcEncryptor }[] = [];
function drContext(key: Key): CbcEncryptor {
  for (const e of drContexts) if (e.key === key) return e.c;
  const c = ecbEncryptor(key.keyvalue);
  if (drContexts.length >= DR_KEYS) drContexts.pop();
  drContexts.unshift({ key, c });
  return c;
}

/**
 * n-fold of a derivation constant to one block, memoized: the constants are public (key usage
 * and kind), few, and n-fold costs far more than the AES that follows (it ran for every new
 * session key and subkey). Bounded so that callers passing many distinct constants cannot grow it.
 */
const folded = new Map<string | number, Uint8Array>();
function foldedConstant(constant: Uint8Array): Uint8Array {
  // The usual constant is usage (4 bytes) | kind: a number key, no string to build.
  const c = constant;
  const id =
    c.length === 5 ? (((c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3]) >>> 0) * 256 + c[4] : c.join(',');
  let f = folded.get(id);
  if (!f) {
    f = nfold(constant, 16);
    if (folded.size < 1024) folded.set(id, f);
  }
  return f;
}

/** The profile of a key, with its length checked (MIT verify_key: KRB5_BAD_KEYSIZE). */
export function profileOfKey(key: Key): EnctypeProfile {
  const p = getProfile(key.enctype);
  if (key.keyvalue.length !== p.keyBytes) {
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_BAD_KEYSIZE, 'key length does not match its enctype');
  }
  return p;
}

/**
 * Derived keys, cached per Key object (so per-message calls do not re-derive). A WeakMap: the
 * cache dies with the Key. Slots are numbers chosen by the caller (usage, kind, family).
 */
const cache = new WeakMap<Key, Map<number, MacKey | CtsKey>>();

function cached<T extends MacKey | CtsKey>(key: Key, slot: number, make: () => T): T {
  let slots = cache.get(key);
  if (!slots) {
    slots = new Map();
    cache.set(key, slots);
  }
  let k = slots.get(slot) as T | undefined;
  if (!k) {
    k = make();
    slots.set(slot, k);
  }
  return k;
}

/** How a family derives Ke, Ki or Kc bytes from a base key, for a usage and kind. */
export type DeriveBytes = (p: EnctypeProfile, key: Key, usage: number, kind: number) => Uint8Array;

/**
 * The derived key for `usage` and `kind` (MacKey for Ki/Kc, CtsKey for Ke), derived once per
 * Key object. `derive` is a module function and the arguments are passed along, so a cache hit
 * (every per-message call) allocates nothing.
 */
export function derivedKey<T extends MacKey | CtsKey>(
  Kind: new (bytes: Uint8Array) => T,
  p: EnctypeProfile,
  key: Key,
  usage: number,
  kind: number,
  derive: DeriveBytes,
): T {
  const slot = slotOf(usage, kind, p.family);
  let slots = cache.get(key);
  const found = slots?.get(slot);
  if (found !== undefined) return found as T;
  const bytes = derive(p, key, usage, kind);
  const k = new Kind(bytes);
  bytes.fill(0);
  if (!slots) {
    slots = new Map();
    cache.set(key, slots);
  }
  slots.set(slot, k);
  return k;
}

/** A derived encryption key (Ke) with its running CBC contexts (./cts.ts). */
export function cachedCtsKey(key: Key, slot: number, derive: () => Uint8Array): CtsKey {
  return cached(key, slot, () => {
    const bytes = derive();
    const k = new CtsKey(bytes);
    bytes.fill(0);
    return k;
  });
}

/**
 * Drops the derived keys cached for `key` (e.g. when a security context is deleted and its key
 * bytes wiped). OpenSSL key objects cannot be zeroed from JavaScript; they are freed by GC.
 */
export function forgetDerivedKeys(key: Key): void {
  const dr = drContexts.findIndex((e) => e.key === key);
  if (dr >= 0) drContexts.splice(dr, 1);
  const slots = cache.get(key);
  cache.delete(key);
  for (const k of slots?.values() ?? []) if (k instanceof MacKey || k instanceof CtsKey) k.wipe();
}

/** Slot numbers: (usage * 256 + kind) * 2 + family bit; the PRF key gets a negative slot. */
function slotOf(usage: number, kind: number, family: EnctypeProfile['family']): number {
  return (usage * 256 + kind) * 2 + (family === 'rfc8009' ? 1 : 0);
}
export const PRF_SLOT = -1;
/** The base key as an HMAC key (RFC 8009's KDF). */
export const KDF_SLOT = -3;

/** The base key as an HMAC key, for RFC 8009's KDF-HMAC-SHA2 on a Key object. */
export function baseMacKey(key: Key): MacKey {
  return cached(key, KDF_SLOT, () => new MacKey(key.keyvalue));
}
