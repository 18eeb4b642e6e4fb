/** RFC 4120 7.5.7 message types: the APPLICATION tag numbers of the messages (and msg-type). */
export const KRB_AS_REQ = 10;
export const KRB_AS_REP = 11;
export const KRB_TGS_REQ = 12;
export const KRB_TGS_REP = 13;
export const KRB_AP_REQ = 14;
export const KRB_AP_REP = 15;
export const KRB_RESERVED16 = 16;
export const KRB_RESERVED17 = 17;
export const KRB_SAFE = 20;
export const KRB_PRIV = 21;
export const KRB_CRED = 22;
export const KRB_ERROR = 30;

/** APPLICATION tags of the other RFC 4120 types (5.3, 5.4.2, 5.5, 5.8). */
export const APP_TICKET = 1;
export const APP_AUTHENTICATOR = 2;
export const APP_ENC_TICKET_PART = 3;
export const APP_ENC_AS_REP_PART = 25;
export const APP_ENC_TGS_REP_PART = 26;
export const APP_ENC_AP_REP_PART = 27;
export const APP_ENC_KRB_PRIV_PART = 28;
export const APP_ENC_KRB_CRED_PART = 29;

/** RFC 4120 5.1: protocol version number, pvno. */
export const KRB5_PVNO = 5;
