/**
 * The KDC client's errors: MIT com_err minor codes (krb5_err.et) with MIT's wording, always as a
 * GssError with major GSS_S_FAILURE (what MIT's gss_acquire_cred / gss_init_sec_context return for
 * a failed KDC exchange).
 */
import { KRB5_ERR_BASE, MINOR, type MinorName, minorMessage } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';

/** The minor code for a KRB-ERROR error-code (RFC 4120 7.5.9): ERROR_TABLE_BASE_krb5 + code. */
export function kdcErrorMinor(errorCode: number): number {
  return (KRB5_ERR_BASE + errorCode) >>> 0;
}

/** A GSS_S_FAILURE GssError with a krb5 minor code; `message` defaults to MIT's text. */
export function krb5Error(name: MinorName, message?: string, cause?: unknown): GssError {
  const minor = MINOR[name];
  return new GssError(
    GSS_S_FAILURE,
    minor,
    message ?? minorMessage(minor),
    cause === undefined ? undefined : { cause },
  );
}

/** MIT's "-1765328359/Additional pre-authentication required" form, used in trace lines. */
export function traceCode(minor: number): string {
  return `${minor | 0}/${minorMessage(minor)}`;
}
