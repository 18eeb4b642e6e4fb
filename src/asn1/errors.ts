/**
 * ASN.1 decode errors: a GssError with major GSS_S_DEFECTIVE_TOKEN and the minor code of MIT's
 * asn1_err.et entry that MIT's own decoder returns for the same fault.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GSS_S_FAILURE, GssError } from '../errors/status.js';

export type Asn1ErrorName =
  | 'ASN1_MISSING_FIELD'
  | 'ASN1_MISPLACED_FIELD'
  | 'ASN1_OVERFLOW'
  | 'ASN1_OVERRUN'
  | 'ASN1_BAD_ID'
  | 'ASN1_BAD_LENGTH'
  | 'ASN1_BAD_FORMAT'
  | 'ASN1_BAD_TIMEFORMAT'
  | 'ASN1_BAD_GMTIME'
  | 'ASN1_INDEF';

/** A decode error: the input is defective. `what` names the element, never its bytes. */
export function asn1Error(name: Asn1ErrorName, what: string): GssError {
  return new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR[name] ?? 0, `ASN.1 ${what}: ${name}`);
}

/** An encode error: our own value cannot be represented (a caller bug, not bad input). */
export function asn1EncodeError(name: Asn1ErrorName, what: string): GssError {
  return new GssError(GSS_S_FAILURE, MINOR[name] ?? 0, `ASN.1 encode ${what}: ${name}`);
}
