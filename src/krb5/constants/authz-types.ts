/** AuthorizationData ad-type values, RFC 4120 7.5.4 and the IANA registry. */
export const AD_IF_RELEVANT = 1;
export const AD_INTENDED_FOR_SERVER = 2;
export const AD_INTENDED_FOR_APPLICATION_CLASS = 3;
export const AD_KDC_ISSUED = 4;
export const AD_AND_OR = 5;
export const AD_MANDATORY_TICKET_EXTENSIONS = 6;
export const AD_IN_TICKET_EXTENSIONS = 7;
export const AD_MANDATORY_FOR_KDC = 8;
export const AD_INITIAL_VERIFIED_CAS = 9;
export const AD_OSF_DCE = 64;
export const AD_SESAME = 65;
export const AD_OSF_DCE_PKI_CERTID = 66;
export const AD_AUTHENTICATION_STRENGTH = 70;
export const AD_FX_FAST_ARMOR = 71;
export const AD_FX_FAST_USED = 72;
export const AD_WIN2K_PAC = 128;
export const AD_ETYPE_NEGOTIATION = 129;
/** MIT's CAMMAC (RFC 7751) and its signed-path / auth-indicator elements. */
export const AD_CAMMAC = 96;
export const AD_AUTH_INDICATOR = 97;
