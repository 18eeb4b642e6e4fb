/** The message types and codecs the KDC uses, in one place. */
export { type ApReq, type Authenticator, decodeApReq, decodeAuthenticator } from '../messages/ap.js';
export type { PaData } from '../messages/common.js';
export { encodeAsRep, encodeEncKdcRepPart, encodeTgsRep } from '../messages/kdc-rep.js';
export { decodeAsReq, decodeTgsReq, type KdcReq } from '../messages/kdc-req.js';
export { encodeKrbError, type KrbError } from '../messages/krb-error.js';
export { decodePaEncTimestamp, decodePaEncTsEnc, encodeEtypeInfo2 } from './preauth-codec.js';
