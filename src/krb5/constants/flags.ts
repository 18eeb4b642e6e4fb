/**
 * Bit masks of the Kerberos flag BIT STRINGs (RFC 4120 5.2.8), as decodeBitString32 returns them:
 * bit 0 of the RFC is the most significant bit of the uint32 (so `1 << (31 - bit)`).
 */
const bit = (n: number): number => (1 << (31 - n)) >>> 0;

/** KDCOptions, RFC 4120 5.4.1 (later bits: RFC 6806, MIT krb5.h). */
export const KDC_OPT_FORWARDABLE = bit(1);
export const KDC_OPT_FORWARDED = bit(2);
export const KDC_OPT_PROXIABLE = bit(3);
export const KDC_OPT_PROXY = bit(4);
export const KDC_OPT_ALLOW_POSTDATE = bit(5);
export const KDC_OPT_POSTDATED = bit(6);
export const KDC_OPT_RENEWABLE = bit(8);
export const KDC_OPT_CNAME_IN_ADDL_TKT = bit(14);
export const KDC_OPT_CANONICALIZE = bit(15);
export const KDC_OPT_REQUEST_ANONYMOUS = bit(16);
export const KDC_OPT_DISABLE_TRANSITED_CHECK = bit(26);
export const KDC_OPT_RENEWABLE_OK = bit(27);
export const KDC_OPT_ENC_TKT_IN_SKEY = bit(28);
export const KDC_OPT_RENEW = bit(30);
export const KDC_OPT_VALIDATE = bit(31);

/** TicketFlags, RFC 4120 5.3 (and RFC 6806 anonymous, RFC 6113 enc-pa-rep). */
export const TKT_FLG_FORWARDABLE = bit(1);
export const TKT_FLG_FORWARDED = bit(2);
export const TKT_FLG_PROXIABLE = bit(3);
export const TKT_FLG_PROXY = bit(4);
export const TKT_FLG_MAY_POSTDATE = bit(5);
export const TKT_FLG_POSTDATED = bit(6);
export const TKT_FLG_INVALID = bit(7);
export const TKT_FLG_RENEWABLE = bit(8);
export const TKT_FLG_INITIAL = bit(9);
export const TKT_FLG_PRE_AUTH = bit(10);
export const TKT_FLG_HW_AUTH = bit(11);
export const TKT_FLG_TRANSIT_POLICY_CHECKED = bit(12);
export const TKT_FLG_OK_AS_DELEGATE = bit(13);
export const TKT_FLG_ENC_PA_REP = bit(15);
export const TKT_FLG_ANONYMOUS = bit(16);

/** APOptions, RFC 4120 5.5.1. */
export const AP_OPTS_USE_SESSION_KEY = bit(1);
export const AP_OPTS_MUTUAL_REQUIRED = bit(2);
