/**
 * GSS-API major status codes (RFC 2744 3.9.1) and the one error class of the project.
 *
 * This module and ./minor.ts are leaves: they import nothing of the project, so every layer
 * (util, crypto, asn1, krb5) may use them. See docs/architecture.md.
 */
import { minorMessage, minorName } from './minor.js';

/**
 * Bit offset of the calling-error field in a major status (RFC 2744 3.9.1; the gssapi.h macro of
 * the same name in MIT krb5).
 */
export const GSS_C_CALLING_ERROR_OFFSET = 24;
/** Bit offset of the routine-error field in a major status (RFC 2744 3.9.1). */
export const GSS_C_ROUTINE_ERROR_OFFSET = 16;
/** Bit offset of the supplementary-information field in a major status (RFC 2744 3.9.1). */
export const GSS_C_SUPPLEMENTARY_OFFSET = 0;
/** Mask of the calling-error field once shifted down by its offset (RFC 2744 3.9.1). */
export const GSS_C_CALLING_ERROR_MASK = 0xff;
/** Mask of the routine-error field once shifted down by its offset (RFC 2744 3.9.1). */
export const GSS_C_ROUTINE_ERROR_MASK = 0xff;
/**
 * Mask of the supplementary-information bits once shifted down by their offset (RFC 2744 3.9.1).
 */
export const GSS_C_SUPPLEMENTARY_MASK = 0xffff;

/** Major status 0: the call succeeded and nothing more is needed (RFC 2743 1.2.1.1). */
export const GSS_S_COMPLETE = 0;

// Calling errors (RFC 2744 3.9.1, table 3-1).
/**
 * Calling error 1: an input parameter could not be read (RFC 2744 3.9.1, table 3-1). The RFC 2744
 * facade returns it for a missing input buffer or handle.
 */
export const GSS_S_CALL_INACCESSIBLE_READ = (1 << GSS_C_CALLING_ERROR_OFFSET) >>> 0;
/**
 * Calling error 2: an output parameter could not be written (RFC 2744 table 3-1), such as a missing
 * output box.
 */
export const GSS_S_CALL_INACCESSIBLE_WRITE = (2 << GSS_C_CALLING_ERROR_OFFSET) >>> 0;
/** Calling error 3: a parameter was malformed (RFC 2744 table 3-1). */
export const GSS_S_CALL_BAD_STRUCTURE = (3 << GSS_C_CALLING_ERROR_OFFSET) >>> 0;

// Routine errors (table 3-2).
/** Routine error 1: an unsupported mechanism was requested (RFC 2743 1.2.1.1). */
export const GSS_S_BAD_MECH = (1 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 2: an invalid name was supplied (RFC 2743 1.2.1.1). */
export const GSS_S_BAD_NAME = (2 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 3: a name of an unsupported type was supplied (RFC 2743 1.2.1.1). */
export const GSS_S_BAD_NAMETYPE = (3 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 4: the channel bindings did not match the initiator's (RFC 2743 1.2.1.1, RFC 4121
 * 4.1.1.2).
 */
export const GSS_S_BAD_BINDINGS = (4 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 5: an invalid status code was supplied, e.g. to GSS_Display_status (RFC 2743
 * 1.2.1.1).
 */
export const GSS_S_BAD_STATUS = (5 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 6: a token's MIC or checksum did not verify (RFC 2743 1.2.1.1). */
export const GSS_S_BAD_SIG = (6 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** The RFC 2743 name of GSS_S_BAD_SIG (same value). */
export const GSS_S_BAD_MIC = GSS_S_BAD_SIG;
/**
 * Routine error 7: no credentials were supplied, or they could not be acquired (RFC 2743 1.2.1.1),
 * e.g. no ccache or keytab entry.
 */
export const GSS_S_NO_CRED = (7 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 8: no valid context, e.g. a handle used after export or deletion (RFC 2743
 * 1.2.1.1).
 */
export const GSS_S_NO_CONTEXT = (8 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 9: a token failed its consistency checks (RFC 2743 1.2.1.1): bad framing, lengths
 * or fields.
 */
export const GSS_S_DEFECTIVE_TOKEN = (9 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 10: a credential failed its consistency checks (RFC 2743 1.2.1.1). */
export const GSS_S_DEFECTIVE_CREDENTIAL = (10 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 11: the credentials have expired (RFC 2743 1.2.1.1). */
export const GSS_S_CREDENTIALS_EXPIRED = (11 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 12: the context has expired (RFC 2743 1.2.1.1); per-message calls after its end
 * time return it.
 */
export const GSS_S_CONTEXT_EXPIRED = (12 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 13: a failure the minor status explains (RFC 2743 1.2.1.1), e.g. a KDC error or an
 * unreadable file.
 */
export const GSS_S_FAILURE = (13 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 14: an unsupported quality-of-protection value was requested (RFC 2743 1.2.1.1);
 * only GSS_C_QOP_DEFAULT is supported.
 */
export const GSS_S_BAD_QOP = (14 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 15: the operation is forbidden by local policy (RFC 2743 1.2.1.1). */
export const GSS_S_UNAUTHORIZED = (15 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 16: the operation or option is not available (RFC 2743 1.2.1.1). */
export const GSS_S_UNAVAILABLE = (16 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 17: the credential element already exists (RFC 2743 1.2.1.1, GSS_Add_cred). */
export const GSS_S_DUPLICATE_ELEMENT = (17 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/**
 * Routine error 18: the name is not a mechanism name (RFC 2743 1.2.1.1), e.g. for GSS_Export_name.
 */
export const GSS_S_NAME_NOT_MN = (18 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;
/** Routine error 19: an unknown mechanism attribute (RFC 5587; MIT krb5 1.9 and later). */
export const GSS_S_BAD_MECH_ATTR = (19 << GSS_C_ROUTINE_ERROR_OFFSET) >>> 0;

// Supplementary info bits (table 3-3).
/**
 * Supplementary bit 0: call the context-establishment routine again with the peer's next token (RFC
 * 2744 table 3-3).
 */
export const GSS_S_CONTINUE_NEEDED = 1 << 0;
/**
 * Supplementary bit 1: the token is a duplicate of one already processed (RFC 2743 1.2.3).
 * Returned, not thrown, as MIT does.
 */
export const GSS_S_DUPLICATE_TOKEN = 1 << 1;
/**
 * Supplementary bit 2: the token is too old to be checked for duplication (RFC 2743 1.2.3).
 * Returned, not thrown.
 */
export const GSS_S_OLD_TOKEN = 1 << 2;
/**
 * Supplementary bit 3: a later token has already been processed (RFC 2743 1.2.3). Returned, not
 * thrown.
 */
export const GSS_S_UNSEQ_TOKEN = 1 << 3;
/**
 * Supplementary bit 4: an expected earlier token has not been received (RFC 2743 1.2.3). Returned,
 * not thrown.
 */
export const GSS_S_GAP_TOKEN = 1 << 4;

/** Names of the calling errors, indexed by their value >> 24. */
export const CALLING_ERROR_NAMES: readonly string[] = Object.freeze([
  '',
  'GSS_S_CALL_INACCESSIBLE_READ',
  'GSS_S_CALL_INACCESSIBLE_WRITE',
  'GSS_S_CALL_BAD_STRUCTURE',
]);

/** Names of the routine errors, indexed by their value >> 16 & 0xff. */
export const ROUTINE_ERROR_NAMES: readonly string[] = Object.freeze([
  '',
  'GSS_S_BAD_MECH',
  'GSS_S_BAD_NAME',
  'GSS_S_BAD_NAMETYPE',
  'GSS_S_BAD_BINDINGS',
  'GSS_S_BAD_STATUS',
  'GSS_S_BAD_SIG',
  'GSS_S_NO_CRED',
  'GSS_S_NO_CONTEXT',
  'GSS_S_DEFECTIVE_TOKEN',
  'GSS_S_DEFECTIVE_CREDENTIAL',
  'GSS_S_CREDENTIALS_EXPIRED',
  'GSS_S_CONTEXT_EXPIRED',
  'GSS_S_FAILURE',
  'GSS_S_BAD_QOP',
  'GSS_S_UNAUTHORIZED',
  'GSS_S_UNAVAILABLE',
  'GSS_S_DUPLICATE_ELEMENT',
  'GSS_S_NAME_NOT_MN',
  'GSS_S_BAD_MECH_ATTR',
]);

/** Names of the supplementary bits, indexed by bit number. */
export const SUPPLEMENTARY_NAMES: readonly string[] = Object.freeze([
  'GSS_S_CONTINUE_NEEDED',
  'GSS_S_DUPLICATE_TOKEN',
  'GSS_S_OLD_TOKEN',
  'GSS_S_UNSEQ_TOKEN',
  'GSS_S_GAP_TOKEN',
]);

/**
 * The calling-error field of `major`, left in place (RFC 2744 3.9.1; MIT's GSS_CALLING_ERROR
 * macro).
 */
export function GSS_CALLING_ERROR(major: number): number {
  return (major & (GSS_C_CALLING_ERROR_MASK << GSS_C_CALLING_ERROR_OFFSET)) >>> 0;
}
/**
 * The routine-error field of `major`, left in place (RFC 2744 3.9.1; MIT's GSS_ROUTINE_ERROR
 * macro).
 */
export function GSS_ROUTINE_ERROR(major: number): number {
  return (major & (GSS_C_ROUTINE_ERROR_MASK << GSS_C_ROUTINE_ERROR_OFFSET)) >>> 0;
}
/**
 * The supplementary-information bits of `major` (RFC 2744 3.9.1; MIT's GSS_SUPPLEMENTARY_INFO
 * macro).
 */
export function GSS_SUPPLEMENTARY_INFO(major: number): number {
  return (major & (GSS_C_SUPPLEMENTARY_MASK << GSS_C_SUPPLEMENTARY_OFFSET)) >>> 0;
}
/** RFC 2744 3.9.1: true when a calling or routine error is present. */
export function GSS_ERROR(major: number): boolean {
  return (
    (major &
      ((GSS_C_CALLING_ERROR_MASK << GSS_C_CALLING_ERROR_OFFSET) |
        (GSS_C_ROUTINE_ERROR_MASK << GSS_C_ROUTINE_ERROR_OFFSET))) !==
    0
  );
}

/** A stable name for a major status: the routine error, else the calling error, else COMPLETE. */
export function majorName(major: number): string {
  const routine = GSS_ROUTINE_ERROR(major) >>> GSS_C_ROUTINE_ERROR_OFFSET;
  if (routine !== 0) return ROUTINE_ERROR_NAMES[routine] ?? `GSS_S_ROUTINE_ERROR_${routine}`;
  const calling = GSS_CALLING_ERROR(major) >>> GSS_C_CALLING_ERROR_OFFSET;
  if (calling !== 0) return CALLING_ERROR_NAMES[calling] ?? `GSS_S_CALLING_ERROR_${calling}`;
  return 'GSS_S_COMPLETE';
}

/**
 * The one error class. `major` is the RFC 2744 major status (unsigned), `minor` the mechanism
 * status as MIT reports it (com_err code, unsigned 32-bit), `code` a stable string: the major
 * status name. Messages never carry key material.
 */
export class GssError extends Error {
  /**
   * The RFC 2744 major status, unsigned: a routine or calling error, possibly with supplementary
   * bits.
   */
  readonly major: number;
  /**
   * The mechanism's minor status as MIT reports it: a com_err code (unsigned 32-bit), 0 when there
   * is none.
   */
  readonly minor: number;
  /** A stable name for `major`, e.g. `GSS_S_NO_CONTEXT`: compare this, not the message. */
  readonly code: string;

  constructor(major: number, minor = 0, message?: string, options?: { cause?: unknown }) {
    const code = majorName(major);
    super(message ?? `${code}${minor ? ` (${minorName(minor >>> 0)})` : ''}`, options);
    this.name = 'GssError';
    this.major = major >>> 0;
    this.minor = minor >>> 0;
    this.code = code;
  }

  /** The minor code's com_err name, e.g. KRB5KRB_AP_ERR_BAD_INTEGRITY, or '' when there is none. */
  get minorCode(): string {
    return this.minor === 0 ? '' : minorName(this.minor);
  }
}

/** Type guard: true when `e` is a {@link GssError}. */
export function isGssError(e: unknown): e is GssError {
  return e instanceof GssError;
}

// gss_display_status texts of MIT krb5 1.20 (mechglue g_dsp_status.c displayMajor), which is
// what libgssapi_krb5 answers for GSS_C_GSS_CODE. Indexed by field value; '' means MIT has none.
const CALLING_ERROR_TEXT: readonly string[] = [
  '',
  'A required input parameter could not be read',
  'A required output parameter could not be written',
  'A parameter was malformed',
];
const ROUTINE_ERROR_TEXT: readonly string[] = [
  '',
  'An unsupported mechanism was requested',
  'An invalid name was supplied',
  'A supplied name was of an unsupported type',
  'Incorrect channel bindings were supplied',
  'An invalid status code was supplied',
  'A token had an invalid Message Integrity Check (MIC)',
  'No credentials were supplied, or the credentials were unavailable or inaccessible',
  'No context has been established',
  'Invalid token was supplied',
  'Invalid credential was supplied',
  'The referenced credential has expired',
  'The referenced context has expired',
  'Unspecified GSS failure.  Minor code may provide more information',
  'The quality-of-protection (QOP) requested could not be provided',
  'The operation is forbidden by local security policy',
  'The operation or option is not available or unsupported',
  'The requested credential element already exists',
  'The provided name was not mechanism specific (MN)',
];
const SUPPLEMENTARY_TEXT: readonly string[] = [
  'The routine must be called again to complete its function',
  'The token was a duplicate of an earlier token',
  "The token's validity period has expired",
  'A later token has already been processed',
  'An expected per-message token was not received',
];
const INVALID_STATUS = 'An invalid status code was supplied';

/**
 * One step of GSS_Display_status (RFC 2744 5.11): the next message for `code` and the context to
 * pass next (0 when there is no more). For 'gss' codes, as MIT: the calling error first, then the
 * routine error, then each supplementary bit, lowest first; MIT's context is 1 for "routine
 * error next" and (remaining bits << 1) for supplementary bits. For 'mech' codes: the com_err
 * message (one message; MIT says "Unknown error" for 0).
 */
export function displayStatus(
  code: number,
  type: 'gss' | 'mech',
  messageContext = 0,
): {
  /** The status string, worded as MIT's libgssapi_krb5 words it. */
  message: string;
  /** The message_context to pass for the next message; 0 when this was the last one. */
  messageContext: number;
} {
  const status = code >>> 0;
  let ctx = messageContext >>> 0;
  if (type === 'mech') {
    return { message: status === 0 ? 'Unknown error' : minorMessage(status), messageContext: 0 };
  }
  const calling = GSS_CALLING_ERROR(status);
  const routine = GSS_ROUTINE_ERROR(status);
  const supplementary = GSS_SUPPLEMENTARY_INFO(status);
  // MIT leaves the context untouched when it has nothing to say for it.
  let message = INVALID_STATUS;
  if (status === GSS_S_COMPLETE) {
    message = 'The routine completed successfully';
  } else if (ctx === 0 && calling !== 0) {
    message = CALLING_ERROR_TEXT[calling >>> GSS_C_CALLING_ERROR_OFFSET] || INVALID_STATUS;
    ctx = routine !== 0 ? 1 : supplementary << 1;
  } else if ((ctx === 0 || ctx === 1) && routine !== 0) {
    message = ROUTINE_ERROR_TEXT[routine >>> GSS_C_ROUTINE_ERROR_OFFSET] || INVALID_STATUS;
    ctx = supplementary << 1;
  } else if ((ctx === 0 || ctx >= 2) && supplementary !== 0) {
    const pending = ctx >= 2 ? (ctx >>> 1) & GSS_C_SUPPLEMENTARY_MASK : supplementary;
    const bit = pending === 0 ? -1 : 31 - Math.clz32(pending & -pending);
    message = bit < 0 ? INVALID_STATUS : SUPPLEMENTARY_TEXT[bit] || INVALID_STATUS;
    ctx = bit < 0 ? 0 : (pending & ~(1 << bit)) << 1;
  }
  return { message, messageContext: ctx };
}

/** Every message of GSS_Display_status for `code`, following the message context to its end. */
export function displayStatusAll(code: number, type: 'gss' | 'mech'): string[] {
  const out: string[] = [];
  let ctx = 0;
  do {
    const r = displayStatus(code, type, ctx);
    out.push(r.message);
    if (r.messageContext === ctx) break; // an unchanged context would loop forever (MIT's too)
    ctx = r.messageContext;
  } while (ctx !== 0 && out.length < 32);
  return out;
}
