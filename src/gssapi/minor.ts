/**
 * Minor status codes: MIT krb5's com_err tables, as unsigned 32-bit numbers.
 * A leaf module (see ./status.ts). Messages are those of MIT krb5 1.20 (see test/interop/status).
 *
 * Tables: krb5_err.et (base -1765328384), gssapi_err_krb5.et "KG" (base 39756032),
 * gssapi_err_generic.et "G" (base -2045022976).
 */

export const KRB5_ERR_BASE = -1765328384 >>> 0;
export const KG_BASE = 39756032;
export const G_BASE = -2045022976 >>> 0;

function table(base: number, names: readonly string[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  names.forEach((n, i) => {
    if (n) out[n] = (base + i) >>> 0;
  });
  return Object.freeze(out);
}

/** krb5_err.et, entry i is base + i; '' marks an entry we do not use. */
export const KRB5_ERR_NAMES: readonly string[] = Object.freeze([
  'KRB5KDC_ERR_NONE',
  'KRB5KDC_ERR_NAME_EXP',
  'KRB5KDC_ERR_SERVICE_EXP',
  'KRB5KDC_ERR_BAD_PVNO',
  'KRB5KDC_ERR_C_OLD_MAST_KVNO',
  'KRB5KDC_ERR_S_OLD_MAST_KVNO',
  'KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN',
  'KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN',
  'KRB5KDC_ERR_PRINCIPAL_NOT_UNIQUE',
  'KRB5KDC_ERR_NULL_KEY',
  'KRB5KDC_ERR_CANNOT_POSTDATE',
  'KRB5KDC_ERR_NEVER_VALID',
  'KRB5KDC_ERR_POLICY',
  'KRB5KDC_ERR_BADOPTION',
  'KRB5KDC_ERR_ETYPE_NOSUPP',
  'KRB5KDC_ERR_SUMTYPE_NOSUPP',
  'KRB5KDC_ERR_PADATA_TYPE_NOSUPP',
  'KRB5KDC_ERR_TRTYPE_NOSUPP',
  'KRB5KDC_ERR_CLIENT_REVOKED',
  'KRB5KDC_ERR_SERVICE_REVOKED',
  'KRB5KDC_ERR_TGT_REVOKED',
  'KRB5KDC_ERR_CLIENT_NOTYET',
  'KRB5KDC_ERR_SERVICE_NOTYET',
  'KRB5KDC_ERR_KEY_EXP',
  'KRB5KDC_ERR_PREAUTH_FAILED',
  'KRB5KDC_ERR_PREAUTH_REQUIRED',
  'KRB5KDC_ERR_SERVER_NOMATCH',
  'KRB5KDC_ERR_MUST_USE_USER2USER',
  'KRB5KDC_ERR_PATH_NOT_ACCEPTED',
  'KRB5KDC_ERR_SVC_UNAVAILABLE',
  '',
  'KRB5KRB_AP_ERR_BAD_INTEGRITY',
  'KRB5KRB_AP_ERR_TKT_EXPIRED',
  'KRB5KRB_AP_ERR_TKT_NYV',
  'KRB5KRB_AP_ERR_REPEAT',
  'KRB5KRB_AP_ERR_NOT_US',
  'KRB5KRB_AP_ERR_BADMATCH',
  'KRB5KRB_AP_ERR_SKEW',
  'KRB5KRB_AP_ERR_BADADDR',
  'KRB5KRB_AP_ERR_BADVERSION',
  'KRB5KRB_AP_ERR_MSG_TYPE',
  'KRB5KRB_AP_ERR_MODIFIED',
  'KRB5KRB_AP_ERR_BADORDER',
  'KRB5KRB_AP_ERR_ILL_CR_TKT',
  'KRB5KRB_AP_ERR_BADKEYVER',
  'KRB5KRB_AP_ERR_NOKEY',
  'KRB5KRB_AP_ERR_MUT_FAIL',
  'KRB5KRB_AP_ERR_BADDIRECTION',
  'KRB5KRB_AP_ERR_METHOD',
  'KRB5KRB_AP_ERR_BADSEQ',
  'KRB5KRB_AP_ERR_INAPP_CKSUM',
  'KRB5KRB_AP_PATH_NOT_ACCEPTED',
  'KRB5KRB_ERR_RESPONSE_TOO_BIG',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  'KRB5KRB_ERR_GENERIC',
  'KRB5KRB_ERR_FIELD_TOOLONG',
]);

export const KG_NAMES: readonly string[] = Object.freeze([
  'KG_CCACHE_NOMATCH',
  'KG_KEYTAB_NOMATCH',
  'KG_TGT_MISSING',
  'KG_NO_SUBKEY',
  'KG_CONTEXT_ESTABLISHED',
  'KG_BAD_SIGN_TYPE',
  'KG_BAD_LENGTH',
  'KG_CTX_INCOMPLETE',
  'KG_CONTEXT',
  'KG_CRED',
  'KG_ENC_DESC',
  'KG_BAD_SEQ',
  'KG_EMPTY_CCACHE',
  'KG_NO_CTYPES',
  'KG_LUCID_VERSION',
  'KG_INPUT_TOO_LONG',
]);

export const G_NAMES: readonly string[] = Object.freeze([
  'G_BAD_SERVICE_NAME',
  'G_BAD_STRING_UID',
  'G_NOUSER',
  'G_VALIDATE_FAILED',
  'G_BUFFER_ALLOC',
  'G_BAD_MSG_CTX',
  'G_WRONG_SIZE',
  'G_BAD_USAGE',
  'G_UNKNOWN_QOP',
  'G_NO_HOSTNAME',
  'G_BAD_HOSTNAME',
  'G_WRONG_MECH',
  'G_BAD_TOK_HEADER',
  'G_BAD_DIRECTION',
  'G_TOK_TRUNC',
  'G_REFLECT',
  'G_WRONG_TOKID',
  'G_CRED_USAGE_MISMATCH',
  'G_STORE_ACCEPTOR_CRED_NOSUPP',
  'G_STORE_NON_DEFAULT_CRED_NOSUPP',
]);

/** MIT asn1_err.et "asn1" (base 1859794432): the ASN.1 codec's decode errors. */
export const ASN1_BASE = 1859794432;
export const ASN1_NAMES: readonly string[] = Object.freeze([
  'ASN1_BAD_TIMEFORMAT',
  'ASN1_MISSING_FIELD',
  'ASN1_MISPLACED_FIELD',
  'ASN1_TYPE_MISMATCH',
  'ASN1_OVERFLOW',
  'ASN1_OVERRUN',
  'ASN1_BAD_ID',
  'ASN1_BAD_LENGTH',
  'ASN1_BAD_FORMAT',
  'ASN1_PARSE_ERROR',
  'ASN1_BAD_GMTIME',
  'ASN1_MISMATCH_INDEF',
  'ASN1_MISSING_EOC',
]);

/** Minor codes by name: `MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY`, `MINOR.KG_BAD_LENGTH`, ... */
export const MINOR: Readonly<Record<string, number>> = Object.freeze({
  ...table(KRB5_ERR_BASE, KRB5_ERR_NAMES),
  ...table(KG_BASE, KG_NAMES),
  ...table(G_BASE, G_NAMES),
  ...table(ASN1_BASE, ASN1_NAMES),
  // krb5_err.et entry 188 (krb5.h: -1765328196); the crypto layer's unknown/disallowed enctype.
  KRB5_BAD_ENCTYPE: (KRB5_ERR_BASE + 188) >>> 0,
});

/** The com_err name of a minor code, or its decimal value when it is not in our tables. */
export function minorName(minor: number): string {
  const m = minor >>> 0;
  for (const [base, names] of [
    [KRB5_ERR_BASE, KRB5_ERR_NAMES],
    [KG_BASE, KG_NAMES],
    [G_BASE, G_NAMES],
    [ASN1_BASE, ASN1_NAMES],
  ] as const) {
    const i = (m - base) >>> 0;
    if (i < names.length && names[i]) return names[i];
  }
  return String(m);
}
