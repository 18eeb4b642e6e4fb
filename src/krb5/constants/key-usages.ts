/** Key usage numbers: RFC 4120 7.5.1, RFC 4121 2 (GSS), RFC 6113 (FAST). */
export const KU_PA_ENC_TIMESTAMP = 1;
export const KU_TICKET = 2;
export const KU_AS_REP_ENC_PART = 3;
export const KU_TGS_REQ_AUTH_DATA_SESSKEY = 4;
export const KU_TGS_REQ_AUTH_DATA_SUBKEY = 5;
export const KU_TGS_REQ_AUTH_CKSUM = 6;
export const KU_TGS_REQ_AUTH = 7;
export const KU_TGS_REP_ENC_PART_SESSKEY = 8;
export const KU_TGS_REP_ENC_PART_SUBKEY = 9;
export const KU_AP_REQ_AUTH_CKSUM = 10;
export const KU_AP_REQ_AUTH = 11;
export const KU_AP_REP_ENC_PART = 12;
export const KU_KRB_PRIV_ENC_PART = 13;
export const KU_KRB_CRED_ENC_PART = 14;
export const KU_KRB_SAFE_CKSUM = 15;
export const KU_KRB_SAFE_CHKSUM = KU_KRB_SAFE_CKSUM;
/** RFC 4120 7.5.1 usage 17 (MIT KRB5_KEYUSAGE_APP_DATA_CKSUM): the PAC signatures (MS-PAC 2.8). */
export const KU_APP_DATA_CKSUM = 17;
export const KU_AD_KDC_ISSUED_CKSUM = 19;
export const KU_FAST_REQ_CHKSUM = 50;
export const KU_FAST_ENC = 51;
export const KU_FAST_REP = 52;
export const KU_FAST_FINISHED = 53;
export const KU_ENC_CHALLENGE_CLIENT = 54;
export const KU_ENC_CHALLENGE_KDC = 55;
export const KU_AS_REQ = 56;
/** RFC 4121 2: GSS-API per-message tokens. */
export const KG_USAGE_ACCEPTOR_SEAL = 22;
export const KG_USAGE_ACCEPTOR_SIGN = 23;
export const KG_USAGE_INITIATOR_SEAL = 24;
export const KG_USAGE_INITIATOR_SIGN = 25;
