/** The GSS_C_* context flags, mechanism-independent (RFC 2744 3.9.2, gssapi.h values). */
export const GSS_C_DELEG_FLAG = 1;
export const GSS_C_MUTUAL_FLAG = 2;
export const GSS_C_REPLAY_FLAG = 4;
export const GSS_C_SEQUENCE_FLAG = 8;
export const GSS_C_CONF_FLAG = 16;
export const GSS_C_INTEG_FLAG = 32;
export const GSS_C_ANON_FLAG = 64;
export const GSS_C_PROT_READY_FLAG = 128;
export const GSS_C_TRANS_FLAG = 256;
export const GSS_C_DELEG_POLICY_FLAG = 32768;
