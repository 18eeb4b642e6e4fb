/**
 * Name-type OIDs (RFC 2743 4, RFC 2744 3.10, RFC 1964 2.1), as dotted text. MIT's
 * gss_display_name reports GSS_KRB5_NT_PRINCIPAL_NAME for every Kerberos name but the anonymous
 * one.
 */

/** RFC 2743 4.1: "service@host". */
export const GSS_C_NT_HOSTBASED_SERVICE = '1.2.840.113554.1.2.1.4';
/** The old X.400-arc spelling MIT still accepts for host-based names. */
export const GSS_C_NT_HOSTBASED_SERVICE_X = '1.3.6.1.5.6.2';
/** RFC 2743 4.2. */
export const GSS_C_NT_USER_NAME = '1.2.840.113554.1.2.1.1';
/**
 * Name type for a local numeric user id, as bytes (RFC 2743 4.3; MIT's
 * GSS_C_NT_MACHINE_UID_NAME).
 */
export const GSS_C_NT_MACHINE_UID_NAME = '1.2.840.113554.1.2.1.2';
/**
 * Name type for a local numeric user id written as decimal text (RFC 2743 4.4; MIT's
 * GSS_C_NT_STRING_UID_NAME).
 */
export const GSS_C_NT_STRING_UID_NAME = '1.2.840.113554.1.2.1.3';
/** RFC 2743 4.6. */
export const GSS_C_NT_ANONYMOUS = '1.3.6.1.5.6.3';
/** RFC 2743 4.7 / 3.2: the exported name object. */
export const GSS_C_NT_EXPORT_NAME = '1.3.6.1.5.6.4';
/** MIT 1.19+ GSS_KRB5_NT_ENTERPRISE_NAME: an RFC 6806 enterprise name, "user@suffix". */
export const GSS_KRB5_NT_ENTERPRISE_NAME = '1.2.840.113554.1.2.2.6';
/** RFC 1964 2.1.1: a Kerberos principal name, "a/b@REALM". */
export const GSS_KRB5_NT_PRINCIPAL_NAME = '1.2.840.113554.1.2.2.1';
