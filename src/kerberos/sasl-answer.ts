/**
 * The addon's SASL GSSAPI layer answer (kerberos_gss.cc authenticate_gss_client_wrap, "agree to
 * terms (hack!)"): RFC 4752 3.1's four octets, layer "none" (1) and the server's maximum message
 * size echoed, then the authorization identity.
 */
import { MINOR } from '../errors/minor.js';
import { GSS_S_DEFECTIVE_TOKEN, GssError } from '../errors/status.js';

/** The C code copies the user name into a 4096-byte buffer behind the 4 octets, NUL-terminated. */
const MAX_AUTHZID_BYTES = 4096 - 5;

export function saslLayerAnswer(offer: Uint8Array, user: string): Uint8Array {
  // The addon reads 4 bytes whatever it decoded; fewer is undefined behaviour in C, an error here.
  if (offer.length < 4)
    throw new GssError(GSS_S_DEFECTIVE_TOKEN, MINOR.KG_BAD_LENGTH, 'SASL layer offer shorter than 4 bytes');
  let authzid = new TextEncoder().encode(user);
  const nul = authzid.indexOf(0);
  if (nul >= 0) authzid = authzid.subarray(0, nul); // strncpy stops at the first NUL
  if (authzid.length > MAX_AUTHZID_BYTES) authzid = authzid.subarray(0, MAX_AUTHZID_BYTES);
  const out = new Uint8Array(4 + authzid.length);
  out[0] = 1; // GSS_AUTH_P_NONE
  out.set(offer.subarray(1, 4), 1);
  out.set(authzid, 4);
  return out;
}
