/**
 * Minor status codes: MIT krb5's com_err tables, as unsigned 32-bit numbers.
 * A leaf module (see ./status.ts); its data is ./minor-tables.ts (MIT krb5 1.20.1's .et files).
 * Messages are MIT's; test/interop/status-mit.test.ts compares them with the installed library.
 *
 * Tables: krb5_err.et "krb5" (base -1765328384), gssapi_err_krb5.et "k5g" (base 39756032),
 * gssapi_err_generic.et "ggss" (base -2045022976), asn1_err.et "asn1" (base 1859794432),
 * prof_err.et "prof" (base -1429577728).
 */
import { strerror } from './errno-text.js';
import { ASN1_ERR, G_ERR, KG_ERR, KRB5_ERR, PROF_ERR, SPNEGO_ERR } from './minor-tables.js';

export const KRB5_ERR_BASE = -1765328384 >>> 0;
export const KG_BASE = 39756032;
export const G_BASE = -2045022976 >>> 0;
/** MIT asn1_err.et "asn1": the ASN.1 codec's decode errors. */
export const ASN1_BASE = 1859794432;
/** MIT prof_err.et "prof": krb5.conf (profile library) errors. */
export const PROF_BASE = -1429577728 >>> 0;
/** MIT's SPNEGO mechanism codes (gssapiP_spnego.h), ERR_SPNEGO_NO_MECHS_AVAILABLE first. */
const SPNEGO_BASE = 0x20000001;

type Table = readonly (readonly [string, string])[];
type NamesOf<T extends Table> = T[number][0];

/** Every com_err name we know, as a literal type: `MINOR.KRB5_BAD_ENCTYPE` is type-checked. */
export type MinorName =
  | NamesOf<typeof KRB5_ERR>
  | NamesOf<typeof KG_ERR>
  | NamesOf<typeof G_ERR>
  | NamesOf<typeof ASN1_ERR>
  | NamesOf<typeof PROF_ERR>
  | NamesOf<typeof SPNEGO_ERR>;

function codes<T extends Table>(base: number, t: T): Record<NamesOf<T>, number> {
  const out: Record<string, number> = Object.create(null);
  t.forEach(([n], i) => {
    out[n] = (base + i) >>> 0;
  });
  return out as Record<NamesOf<T>, number>;
}

const names = (t: Table): readonly string[] => Object.freeze(t.map(([n]) => n));

/** krb5_err.et in order: entry i is KRB5_ERR_BASE + i (KRB5PLACEHOLD_* are MIT's own fillers). */
export const KRB5_ERR_NAMES: readonly string[] = names(KRB5_ERR);
/** gssapi_err_krb5.et in order: entry i is KG_BASE + i. */
export const KG_NAMES: readonly string[] = names(KG_ERR);
/** gssapi_err_generic.et in order: entry i is G_BASE + i. */
export const G_NAMES: readonly string[] = names(G_ERR);
/** asn1_err.et in order: entry i is ASN1_BASE + i. */
export const ASN1_NAMES: readonly string[] = names(ASN1_ERR);
/** prof_err.et in order: entry i is PROF_BASE + i. */
export const PROF_NAMES: readonly string[] = names(PROF_ERR);

/** Minor codes by name: `MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY`, `MINOR.KG_BAD_LENGTH`, ... */
export const MINOR: Readonly<Record<MinorName | 'ASN1_MISMATCH_INDEF', number>> = Object.freeze({
  ...codes(KRB5_ERR_BASE, KRB5_ERR),
  ...codes(KG_BASE, KG_ERR),
  ...codes(G_BASE, G_ERR),
  ...codes(ASN1_BASE, ASN1_ERR),
  ...codes(PROF_BASE, PROF_ERR),
  ...codes(SPNEGO_BASE, SPNEGO_ERR),
  /** @deprecated MIT's name is ASN1_INDEF (asn1_err.et entry 11); kept for src/asn1/errors.ts. */
  ASN1_MISMATCH_INDEF: ASN1_BASE + 11,
});

const TABLES: readonly (readonly [number, Table])[] = [
  [KRB5_ERR_BASE, KRB5_ERR],
  [KG_BASE, KG_ERR],
  [G_BASE, G_ERR],
  [ASN1_BASE, ASN1_ERR],
  [PROF_BASE, PROF_ERR],
  [SPNEGO_BASE, SPNEGO_ERR],
];

function lookup(minor: number): readonly [string, string] | undefined {
  const m = minor >>> 0;
  for (const [base, t] of TABLES) {
    const i = (m - base) >>> 0;
    if (i < t.length) return t[i];
  }
  return undefined;
}

/** The com_err name of a minor code, or its decimal value when it is not in our tables. */
export function minorName(minor: number): string {
  return lookup(minor)?.[0] ?? String(minor >>> 0);
}

// com_err packs a table's name into the code's upper 24 bits, 6 bits a character (et_name.c).
const ET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_';

function tableName(tableNum: number): string {
  let out = '';
  for (let i = 3; i >= 0; i--) {
    const ch = (tableNum >>> (8 + 6 * i)) & 0x3f;
    if (ch !== 0) out += ET_CHARS[ch - 1];
  }
  return out;
}

/**
 * MIT's text for a minor code: com_err's error_message(). For a code outside our tables it is
 * com_err's "Unknown code <table> <offset>" (e.g. "Unknown code k5g 17"); codes below 256 are
 * errno values, for which com_err prints the C library's strerror() (see ./errno-text.ts).
 */
export function minorMessage(minor: number): string {
  const m = minor >>> 0;
  const hit = lookup(m);
  if (hit) return hit[1];
  const offset = m & 0xff;
  const tableNum = m - offset;
  if (tableNum === 0) return strerror(offset);
  return `Unknown code ${tableName(tableNum)} ${offset}`;
}
