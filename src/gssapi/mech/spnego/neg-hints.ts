/**
 * The acceptor's first token, for protocols where the server speaks first (SMB, and LDAP or
 * other protocols modelled on it): Microsoft's NegTokenInit2 (MS-SPNG 2.2.1), which lists the
 * acceptor's mechanisms and carries negHints instead of a mechanism token. Written as MIT's
 * acc_ctx_hints / make_NegHints write it for an empty input token, byte for byte:
 *
 *   NegTokenInit2 ::= SEQUENCE {
 *       mechTypes     [0] MechTypeList  OPTIONAL,
 *       reqFlags      [1] ContextFlags  OPTIONAL,
 *       mechToken     [2] OCTET STRING  OPTIONAL,
 *       negHints      [3] NegHints      OPTIONAL,
 *       mechListMIC   [4] OCTET STRING  OPTIONAL, ... }
 *   NegHints ::= SEQUENCE {
 *       hintName      [0] GeneralString OPTIONAL,
 *       hintAddress   [1] OCTET STRING  OPTIONAL }
 *
 * framed with the SPNEGO OID like an initiator's NegTokenInit. The hint name is the constant
 * MS-SPNG 3.2.5.2 prescribes ("not_defined_in_RFC4178@please_ignore"): no name is revealed.
 */
import { encodeSequence, encodeTlv, explicit } from '../../../asn1/encode.js';
import { CLASS_CONTEXT, CLASS_UNIVERSAL } from '../../../asn1/tlv.js';
import { wrapInitialContextToken } from '../../token/framing.js';
import { SPNEGO_OID_BYTES } from './oids.js';

/** MS-SPNG 3.2.5.2's hintName, which MIT sends too. */
export const NEG_HINTS_NAME = 'not_defined_in_RFC4178@please_ignore';

const TAG_GENERAL_STRING = 27;

/** The NegTokenInit2 an acceptor sends first: its mechanisms (MechTypeList DER) and negHints. */
export function encodeNegTokenInit2(mechTypesDer: Uint8Array): Uint8Array {
  const hintName = encodeTlv(CLASS_UNIVERSAL, false, TAG_GENERAL_STRING, [
    new TextEncoder().encode(NEG_HINTS_NAME),
  ]);
  const init = encodeSequence([
    explicit(0, mechTypesDer),
    explicit(3, encodeSequence([explicit(0, hintName)])),
  ]);
  return wrapInitialContextToken(-1, encodeTlv(CLASS_CONTEXT, true, 0, [init]), SPNEGO_OID_BYTES);
}
