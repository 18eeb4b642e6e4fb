/**
 * The one table of enctypes (RFC 3961 section 8 registry), as MIT krb5 1.20 names them
 * (lib/crypto/krb/etypes.c), and the one lookup. Code above this file gets resolved profiles,
 * never enctype strings. arcfour-hmac (RC4, RFC 4757) is implemented but opt-in: enctype lists
 * drop it unless the configuration sets allow_rc4 (docs/active-directory.md). DES3 and Camellia
 * are not implemented: their family names are known (so `parseEnctypeList` skips them as MIT
 * skips what it cannot use) but every lookup throws.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import type { HashName } from './primitives.js';

export interface EnctypeProfile {
  readonly enctype: number;
  /** MIT's canonical name, e.g. aes256-cts-hmac-sha1-96. */
  readonly name: string;
  /** MIT's aliases, e.g. aes256-cts, aes256-sha1. */
  readonly aliases: readonly string[];
  readonly keyBytes: number;
  /** random-to-key input length (RFC 3961 section 3); equal to keyBytes for AES. */
  readonly seedBytes: number;
  readonly blockSize: number;
  readonly confounderBytes: number;
  readonly checksumType: number;
  readonly checksumBytes: number;
  /** MAC length appended by encrypt. */
  readonly macBytes: number;
  /** MIT's ETYPE_WEAK: refused unless allow_weak_crypto. None of ours is weak. */
  readonly weak: boolean;
  /** MIT's ETYPE_DEPRECATED (RFC 6649, RFC 8429). */
  readonly deprecated: boolean;
  /**
   * Which RFC's construction: simplified profile with DK (3962), KDF-HMAC-SHA2 (8009), or
   * RC4-HMAC (4757).
   */
  readonly family: 'rfc3962' | 'rfc8009' | 'rfc4757';
  readonly hash: HashName;
  /** PRF output length in bytes. */
  readonly prfBytes: number;
  /** Kc length (bytes) for RFC 8009; the key length for RFC 3962. */
  readonly kcBytes: number;
  /** Default string-to-key iteration count (RFC 3962 section 4, RFC 8009 section 4). */
  readonly defaultIterations: number;
}

/** Checksum types (RFC 3961 section 8 registry, RFC 8009 section 8). */
export const CKSUMTYPE = Object.freeze({
  HMAC_SHA1_96_AES128: 15,
  HMAC_SHA1_96_AES256: 16,
  HMAC_SHA256_128_AES128: 19,
  HMAC_SHA384_192_AES256: 20,
  /** hmac-md5-rc4 (RFC 4757 section 4; MIT CKSUMTYPE_HMAC_MD5_ARCFOUR). */
  HMAC_MD5_ARCFOUR: -138,
});

export const ENCTYPE = Object.freeze({
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
  /** arcfour-hmac, RFC 4757: opt-in only (allow_rc4). */
  ARCFOUR_HMAC: 23,
});

function aes(
  enctype: number,
  name: string,
  aliases: string[],
  keyBytes: number,
  family: EnctypeProfile['family'],
  hash: HashName,
  checksumType: number,
  macBytes: number,
): EnctypeProfile {
  const sha1 = family === 'rfc3962';
  return Object.freeze({
    enctype,
    name,
    aliases: Object.freeze(aliases),
    keyBytes,
    seedBytes: keyBytes,
    blockSize: 16,
    confounderBytes: 16,
    checksumType,
    checksumBytes: macBytes,
    macBytes,
    weak: false,
    deprecated: false,
    family,
    hash,
    prfBytes: sha1 ? 16 : hash === 'sha256' ? 32 : 48,
    kcBytes: sha1 ? keyBytes : macBytes,
    defaultIterations: sha1 ? 4096 : 32768,
  });
}

const PROFILES: readonly EnctypeProfile[] = Object.freeze([
  aes(18, 'aes256-cts-hmac-sha1-96', ['aes256-cts', 'aes256-sha1'], 32, 'rfc3962', 'sha1', 16, 12),
  aes(17, 'aes128-cts-hmac-sha1-96', ['aes128-cts', 'aes128-sha1'], 16, 'rfc3962', 'sha1', 15, 12),
  aes(20, 'aes256-cts-hmac-sha384-192', ['aes256-sha2'], 32, 'rfc8009', 'sha384', 20, 24),
  aes(19, 'aes128-cts-hmac-sha256-128', ['aes128-sha2'], 16, 'rfc8009', 'sha256', 19, 16),
  // MIT etypes.c: ETYPE_DEPRECATED, not ETYPE_WEAK (only the exportable 24 is weak, and absent).
  Object.freeze({
    enctype: 23,
    name: 'arcfour-hmac',
    aliases: Object.freeze(['rc4-hmac', 'arcfour-hmac-md5']),
    keyBytes: 16,
    seedBytes: 16,
    blockSize: 1,
    confounderBytes: 8,
    checksumType: -138,
    checksumBytes: 16,
    macBytes: 16,
    weak: false,
    deprecated: true,
    family: 'rfc4757',
    hash: 'md5',
    prfBytes: 20,
    kcBytes: 16,
    defaultIterations: 0,
  } satisfies EnctypeProfile),
]);

const BY_ENCTYPE: ReadonlyMap<number, EnctypeProfile> = new Map(PROFILES.map((p) => [p.enctype, p]));
const BY_CKSUMTYPE: ReadonlyMap<number, EnctypeProfile> = new Map(PROFILES.map((p) => [p.checksumType, p]));
const BY_NAME: ReadonlyMap<string, EnctypeProfile> = new Map(
  PROFILES.flatMap((p) => [p.name, ...p.aliases].map((n) => [n.toLowerCase(), p] as const)),
);

/**
 * The enctypes usable without opt-in, in MIT's default preference order (init_ctx.c): the four
 * AES ones. RC4 (23) is implemented but only enters enctype lists under allow_rc4.
 */
export const SUPPORTED_ENCTYPES: readonly number[] = Object.freeze([18, 17, 20, 19]);

/** Whether an enctype is implemented at all (RC4 included, whether allowed or not). */
export function isImplementedEnctype(enctype: number): boolean {
  return BY_ENCTYPE.has(enctype);
}

function badEnctype(what: string): GssError {
  return new GssError(GSS_S_FAILURE, MINOR.KRB5_BAD_ENCTYPE, `unsupported encryption type ${what}`);
}

/** The profile of an enctype; GssError (KRB5_BAD_ENCTYPE) for unknown or unsupported ones. */
export function getProfile(enctype: number): EnctypeProfile {
  const p = BY_ENCTYPE.get(enctype);
  if (!p) throw badEnctype(String(enctype));
  return p;
}

/** By MIT name or alias, case-insensitive (krb5_string_to_enctype). */
export function profileByName(name: string): EnctypeProfile {
  const p = BY_NAME.get(name.toLowerCase());
  if (!p) throw badEnctype(JSON.stringify(name.slice(0, 64)));
  return p;
}

/** The profile owning a keyed checksum type; GssError (KRB5_PROG_SUMTYPE_NOSUPP) otherwise. */
export function profileByChecksumType(cksumtype: number): EnctypeProfile {
  const p = BY_CKSUMTYPE.get(cksumtype);
  if (!p)
    throw new GssError(
      GSS_S_FAILURE,
      MINOR.KRB5_PROG_SUMTYPE_NOSUPP,
      `unsupported checksum type ${cksumtype}`,
    );
  return p;
}

/** Family words of krb5int_parse_enctype_list (MIT init_ctx.c), mapped to what we implement. */
const FAMILIES: ReadonlyMap<string, readonly number[]> = new Map([
  ['default', [18, 17, 20, 19, 23]],
  ['aes', [18, 17, 20, 19]],
  ['des3', []],
  ['rc4', [23]],
  ['camellia', []],
]);

/**
 * An enctype list in krb5.conf syntax (permitted_enctypes, default_tkt_enctypes, ...), as MIT's
 * krb5int_parse_enctype_list reads it: words split on whitespace and commas; a leading '-'
 * removes and '+' (or nothing) adds; DEFAULT, aes, des3, rc4, camellia name families; other words
 * are enctype names or aliases, case-insensitive. Unknown or unimplemented names are ignored, as
 * MIT ignores unknown ones. An empty result is returned as [] (MIT: KRB5_CONFIG_ETYPE_NOSUPP).
 *
 * arcfour-hmac (in DEFAULT, `rc4`, or by name) is kept only with `allowRc4` (krb5.conf
 * allow_rc4 = true), filtered the way MIT's mod_list filters weak enctypes without
 * allow_weak_crypto: the rule MIT 1.21 announces for allow_rc4's future, applied now.
 */
export function parseEnctypeList(list: string, options: { readonly allowRc4?: boolean } = {}): number[] {
  const out: number[] = [];
  for (let word of list.split(/[\s,]+/)) {
    if (word === '') continue;
    let add = true;
    if (word[0] === '+' || word[0] === '-') {
      add = word[0] === '+';
      word = word.slice(1);
    }
    const lower = word.toLowerCase();
    const named = BY_NAME.get(lower);
    const enctypes = FAMILIES.get(lower) ?? (named ? [named.enctype] : []);
    for (const e of enctypes) {
      if (e === 23 && options.allowRc4 !== true) continue;
      const at = out.indexOf(e);
      if (add && at < 0) out.push(e);
      else if (!add && at >= 0) out.splice(at, 1);
    }
  }
  return out;
}
