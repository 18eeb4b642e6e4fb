// The GSS_C_* context flags, mechanism-independent (RFC 2744 3.9.2, gssapi.h values).

/** Delegate the initiator's credentials to the acceptor (RFC 2743 1.2.9; RFC 4121 4.1.1.1). */
export const GSS_C_DELEG_FLAG = 1;
/**
 * Mutual authentication: the acceptor proves itself with an AP-REP (RFC 2743 2.2.1
 * mutual_req_flag; RFC 4121 4.1).
 */
export const GSS_C_MUTUAL_FLAG = 2;
/**
 * Replay detection for per-message tokens: duplicates are reported as GSS_S_DUPLICATE_TOKEN (RFC
 * 2743 1.2.3).
 */
export const GSS_C_REPLAY_FLAG = 4;
/**
 * Out-of-sequence detection for per-message tokens: GSS_S_UNSEQ_TOKEN and GSS_S_GAP_TOKEN (RFC 2743
 * 1.2.3).
 */
export const GSS_C_SEQUENCE_FLAG = 8;
/**
 * Confidentiality is available: Wrap can encrypt (RFC 2743 1.2.2). The krb5 mechanism always offers
 * it, as MIT does.
 */
export const GSS_C_CONF_FLAG = 16;
/**
 * Integrity is available: MIC and Wrap tokens are checksummed (RFC 2743 1.2.2). Always set by the
 * krb5 mechanism.
 */
export const GSS_C_INTEG_FLAG = 32;
/** Anonymous initiator (RFC 2743 1.2.5; RFC 8062 for Kerberos). */
export const GSS_C_ANON_FLAG = 64;
/** Per-message protection is usable before the context is complete (RFC 2743 1.2.7). */
export const GSS_C_PROT_READY_FLAG = 128;
/**
 * The context can be exported with GSS_Export_sec_context (RFC 2743 2.2.8). Reported on every
 * established context; MIT reports it from the first step (docs/export-token.md).
 */
export const GSS_C_TRANS_FLAG = 256;
/**
 * Delegate only if the KDC marked the service ok-as-delegate (RFC 5896; MIT's
 * GSS_C_DELEG_POLICY_FLAG, 0x8000).
 */
export const GSS_C_DELEG_POLICY_FLAG = 32768;
