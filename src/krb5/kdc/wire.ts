/** The message types and codecs the KDC uses, in one place. */
import { readTlv } from '../../asn1/index.js';
import { decodeEncryptedData, type EncryptedData } from '../messages/common.js';

export { type ApReq, type Authenticator, decodeApReq, decodeAuthenticator } from '../messages/ap.js';
export type { PaData } from '../messages/common.js';
export { encodeAsRep, encodeEncKdcRepPart, encodeTgsRep } from '../messages/kdc-rep.js';
export { decodeAsReq, decodeTgsReq, type KdcReq } from '../messages/kdc-req.js';
export { encodeKrbError, type KrbError } from '../messages/krb-error.js';
export { decodePaEncTsEnc, encodeEtypeInfo2 } from '../messages/padata.js';

/** PA-ENC-TIMESTAMP ::= EncryptedData -- PA-ENC-TS-ENC (RFC 4120 5.2.7.2) */
export function decodePaEncTimestamp(bytes: Uint8Array): EncryptedData {
  return decodeEncryptedData(readTlv(bytes, 'PA-ENC-TIMESTAMP'), 'PA-ENC-TIMESTAMP');
}
