/**
 * RFC 4120 7.5.9 KRB-ERROR error codes (numbers only). The messages are MIT's, in
 * src/errors/minor.ts: error-code e is the minor status KRB5_ERR_BASE + e (`krbErrorMinor`).
 */
import { KRB5_ERR_BASE } from '../../errors/minor.js';

export const KDC_ERR_NONE = 0;
export const KDC_ERR_NAME_EXP = 1;
export const KDC_ERR_SERVICE_EXP = 2;
export const KDC_ERR_BAD_PVNO = 3;
export const KDC_ERR_C_OLD_MAST_KVNO = 4;
export const KDC_ERR_S_OLD_MAST_KVNO = 5;
export const KDC_ERR_C_PRINCIPAL_UNKNOWN = 6;
export const KDC_ERR_S_PRINCIPAL_UNKNOWN = 7;
export const KDC_ERR_PRINCIPAL_NOT_UNIQUE = 8;
export const KDC_ERR_NULL_KEY = 9;
export const KDC_ERR_CANNOT_POSTDATE = 10;
export const KDC_ERR_NEVER_VALID = 11;
export const KDC_ERR_POLICY = 12;
export const KDC_ERR_BADOPTION = 13;
export const KDC_ERR_ETYPE_NOSUPP = 14;
export const KDC_ERR_SUMTYPE_NOSUPP = 15;
export const KDC_ERR_PADATA_TYPE_NOSUPP = 16;
export const KDC_ERR_TRTYPE_NOSUPP = 17;
export const KDC_ERR_CLIENT_REVOKED = 18;
export const KDC_ERR_SERVICE_REVOKED = 19;
export const KDC_ERR_TGT_REVOKED = 20;
export const KDC_ERR_CLIENT_NOTYET = 21;
export const KDC_ERR_SERVICE_NOTYET = 22;
export const KDC_ERR_KEY_EXPIRED = 23;
export const KDC_ERR_PREAUTH_FAILED = 24;
export const KDC_ERR_PREAUTH_REQUIRED = 25;
export const KDC_ERR_SERVER_NOMATCH = 26;
export const KDC_ERR_MUST_USE_USER2USER = 27;
export const KDC_ERR_PATH_NOT_ACCEPTED = 28;
export const KDC_ERR_SVC_UNAVAILABLE = 29;
export const KRB_AP_ERR_BAD_INTEGRITY = 31;
export const KRB_AP_ERR_TKT_EXPIRED = 32;
export const KRB_AP_ERR_TKT_NYV = 33;
export const KRB_AP_ERR_REPEAT = 34;
export const KRB_AP_ERR_NOT_US = 35;
export const KRB_AP_ERR_BADMATCH = 36;
export const KRB_AP_ERR_SKEW = 37;
export const KRB_AP_ERR_BADADDR = 38;
export const KRB_AP_ERR_BADVERSION = 39;
export const KRB_AP_ERR_MSG_TYPE = 40;
export const KRB_AP_ERR_MODIFIED = 41;
export const KRB_AP_ERR_BADORDER = 42;
export const KRB_AP_ERR_BADKEYVER = 44;
export const KRB_AP_ERR_NOKEY = 45;
export const KRB_AP_ERR_MUT_FAIL = 46;
export const KRB_AP_ERR_BADDIRECTION = 47;
export const KRB_AP_ERR_METHOD = 48;
export const KRB_AP_ERR_BADSEQ = 49;
export const KRB_AP_ERR_INAPP_CKSUM = 50;
export const KRB_AP_PATH_NOT_ACCEPTED = 51;
export const KRB_ERR_RESPONSE_TOO_BIG = 52;
export const KRB_ERR_GENERIC = 60;
export const KRB_ERR_FIELD_TOOLONG = 61;
export const KDC_ERROR_CLIENT_NOT_TRUSTED = 62;
export const KDC_ERROR_KDC_NOT_TRUSTED = 63;
export const KDC_ERROR_INVALID_SIG = 64;
export const KDC_ERR_KEY_TOO_WEAK = 65;
export const KDC_ERR_CERTIFICATE_MISMATCH = 66;
export const KRB_AP_ERR_NO_TGT = 67;
export const KDC_ERR_WRONG_REALM = 68;
export const KRB_AP_ERR_USER_TO_USER_REQUIRED = 69;
export const KDC_ERR_CANT_VERIFY_CERTIFICATE = 70;
export const KDC_ERR_INVALID_CERTIFICATE = 71;
export const KDC_ERR_REVOKED_CERTIFICATE = 72;
export const KDC_ERR_REVOCATION_STATUS_UNKNOWN = 73;
export const KDC_ERR_REVOCATION_STATUS_UNAVAILABLE = 74;
export const KDC_ERR_CLIENT_NAME_MISMATCH = 75;
export const KDC_ERR_KDC_NAME_MISMATCH = 76;
export const KDC_ERR_PREAUTH_EXPIRED = 90;
export const KDC_ERR_MORE_PREAUTH_DATA_REQUIRED = 91;
export const KDC_ERR_UNKNOWN_CRITICAL_FAST_OPTIONS = 93;

/** The MIT minor status for a KRB-ERROR error-code, as krb5_rd_error callers compute it. */
export function krbErrorMinor(errorCode: number): number {
  return (KRB5_ERR_BASE + errorCode) >>> 0;
}
