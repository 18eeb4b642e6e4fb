/**
 * RFC 4120 messages: typed decode/encode. `decodeXxx(bytes)` reads one whole message and throws
 * only GssError (GSS_S_DEFECTIVE_TOKEN with MIT's ASN.1 or krb5 minor code); `encodeXxx(value)`
 * writes DER. Decoding a message from MIT and encoding it again gives the same bytes.
 */
import { asn1Error, CLASS_APPLICATION, readFirstTlv } from '../../asn1/index.js';
import {
  KRB_AP_REP,
  KRB_AP_REQ,
  KRB_AS_REP,
  KRB_AS_REQ,
  KRB_CRED,
  KRB_ERROR,
  KRB_TGS_REP,
  KRB_TGS_REQ,
} from '../constants/message-types.js';
import { type ApRep, type ApReq, apRepFromTlv, apReqFromTlv, encodeApRep, encodeApReq } from './ap.js';
import { encodeKdcRep, type KdcRep, kdcRepFromTlv } from './kdc-rep.js';
import { encodeKdcReq, type KdcReq, kdcReqFromTlv } from './kdc-req.js';
import { encodeKrbCred, type KrbCred, krbCredFromTlv } from './krb-cred.js';
import { encodeKrbError, type KrbError, krbErrorFromTlv } from './krb-error.js';

export {
  type ApRep,
  type ApReq,
  type Authenticator,
  decodeApRep,
  decodeApReq,
  decodeAuthenticator,
  decodeEncApRepPart,
  type EncApRepPart,
  encodeApRep,
  encodeApReq,
  encodeAuthenticator,
  encodeEncApRepPart,
} from './ap.js';
export {
  type AuthorizationData,
  type AuthorizationDataEntry,
  type Checksum,
  type EncryptedData,
  encodeMethodData,
  type HostAddress,
  type KerberosTime,
  type LastReqEntry,
  type PaData,
  type PrincipalName,
  principal,
} from './common.js';
export {
  decodeAsRep,
  decodeEncKdcRepPart,
  decodeTgsRep,
  type EncKdcRepPart,
  encodeAsRep,
  encodeEncKdcRepPart,
  encodeKdcRep,
  encodeTgsRep,
  type KdcRep,
} from './kdc-rep.js';
export {
  decodeAsReq,
  decodeTgsReq,
  encodeAsReq,
  encodeKdcReq,
  encodeKdcReqBody,
  encodeTgsReq,
  type KdcReq,
  type KdcReqBody,
} from './kdc-req.js';
export {
  decodeEncKrbCredPart,
  decodeKrbCred,
  type EncKrbCredPart,
  encodeEncKrbCredPart,
  encodeKrbCred,
  type KrbCred,
  type KrbCredInfo,
} from './krb-cred.js';
export { decodeKrbError, encodeKrbError, type KrbError } from './krb-error.js';
export {
  decodeEtypeInfo2,
  decodeMethodData,
  decodePaEncTimestamp,
  decodePaEncTsEnc,
  decodePaPacRequest,
  decodeTypedData,
  type EtypeInfo2Entry,
  encodeEtypeInfo2,
  encodePaEncTimestamp,
  encodePaEncTsEnc,
  encodePaPacRequest,
  encodeTypedData,
  type PaEncTsEnc,
  type PaPacRequest,
  type TypedDataEntry,
} from './padata.js';
export {
  decodeEncTicketPart,
  decodeTicket,
  type EncTicketPart,
  encodeEncTicketPart,
  encodeTicket,
  type Ticket,
  type TransitedEncoding,
} from './ticket.js';

/** Any message a KDC or peer sends, tagged by its msg-type (= APPLICATION tag). */
export type KrbMessage =
  | { readonly msgType: typeof KRB_AS_REQ | typeof KRB_TGS_REQ; readonly message: KdcReq }
  | { readonly msgType: typeof KRB_AS_REP | typeof KRB_TGS_REP; readonly message: KdcRep }
  | { readonly msgType: typeof KRB_AP_REQ; readonly message: ApReq }
  | { readonly msgType: typeof KRB_AP_REP; readonly message: ApRep }
  | { readonly msgType: typeof KRB_CRED; readonly message: KrbCred }
  | { readonly msgType: typeof KRB_ERROR; readonly message: KrbError };

/** Decodes whichever message `bytes` holds, by its APPLICATION tag (RFC 4120 5.10). */
export function decodeKrbMessage(bytes: Uint8Array): KrbMessage {
  const t = readFirstTlv(bytes, 'Kerberos message');
  if (t.cls !== CLASS_APPLICATION) throw asn1Error('ASN1_BAD_ID', 'Kerberos message');
  switch (t.tag) {
    case KRB_AS_REQ:
    case KRB_TGS_REQ:
      return { msgType: t.tag, message: kdcReqFromTlv(t) };
    case KRB_AS_REP:
    case KRB_TGS_REP:
      return { msgType: t.tag, message: kdcRepFromTlv(t) };
    case KRB_AP_REQ:
      return { msgType: KRB_AP_REQ, message: apReqFromTlv(t) };
    case KRB_AP_REP:
      return { msgType: KRB_AP_REP, message: apRepFromTlv(t) };
    case KRB_CRED:
      return { msgType: KRB_CRED, message: krbCredFromTlv(t) };
    case KRB_ERROR:
      return { msgType: KRB_ERROR, message: krbErrorFromTlv(t) };
    default:
      throw asn1Error('ASN1_BAD_ID', `Kerberos message [APPLICATION ${t.tag}]`);
  }
}

/** Encodes a message as decodeKrbMessage returned it. */
export function encodeKrbMessage(m: KrbMessage): Uint8Array {
  switch (m.msgType) {
    case KRB_AS_REQ:
    case KRB_TGS_REQ:
      return encodeKdcReq(m.message);
    case KRB_AS_REP:
    case KRB_TGS_REP:
      return encodeKdcRep(m.message);
    case KRB_AP_REQ:
      return encodeApReq(m.message);
    case KRB_AP_REP:
      return encodeApRep(m.message);
    case KRB_CRED:
      return encodeKrbCred(m.message);
    case KRB_ERROR:
      return encodeKrbError(m.message);
  }
}
