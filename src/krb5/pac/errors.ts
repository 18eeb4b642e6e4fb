/**
 * The PAC's errors, as MIT's pac.c reports them: a malformed PAC is EINVAL (krb5_pac_parse,
 * k5_pac_validate_client), a checksum that does not verify KRB5KRB_AP_ERR_BAD_INTEGRITY
 * (k5_pac_verify_server_checksum / _kdc_checksum), a client-info name or time that is not the
 * ticket's KRB5KRB_AP_WRONG_PRINC (MIT 1.20). All GSS_S_FAILURE,
 * the major status MIT's acceptor returns for a Kerberos failure.
 */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';

/** Linux errno values MIT's pac.c returns: EINVAL for bad structure, ERANGE for bad sizes. */
export const EINVAL = 22;
export const ERANGE = 34;
/** ENOENT: a buffer the check needs is absent (k5_pac_locate_buffer). */
export const ENOENT = 2;

export function malformedPac(what: string, errno = EINVAL): GssError {
  return new GssError(GSS_S_FAILURE, errno, `malformed PAC: ${what}`);
}

export function badPacSignature(what: string): GssError {
  return new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, `PAC ${what} does not verify`);
}

export function wrongPacClient(what: string): GssError {
  return new GssError(GSS_S_FAILURE, MINOR.KRB5KRB_AP_WRONG_PRINC, `PAC client info: ${what}`);
}
