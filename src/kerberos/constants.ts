/**
 * The numbers the `kerberos` addon exports (lib/index.js of 7.0.0). The flags are RFC 2744's; the
 * mechanism "OIDs" are the byte lengths of the DER OIDs the C++ switches on.
 */
export {
  GSS_C_ANON_FLAG,
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_PROT_READY_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
  GSS_C_TRANS_FLAG,
} from '../gssapi/flags.js';

/** The default mechanism (Kerberos, as MIT's default). */
export const GSS_C_NO_OID = 0;
/** 1.2.840.113554.1.2.2, 9 bytes. */
export const GSS_MECH_OID_KRB5 = 9;
/** 1.3.6.1.5.5.2, 6 bytes. */
export const GSS_MECH_OID_SPNEGO = 6;

/** This package's version (kept equal to package.json's by test/unit/kerberos/exports.test.ts). */
export const version = '0.1.0';

/** The addon's N-API version ('9'); there is no addon here, but callers compare the string. */
export function definedNapiVersion(): string {
  return '9';
}
