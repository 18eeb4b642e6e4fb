/**
 * RFC 4537 enctype negotiation in the authenticator: an AD-IF-RELEVANT element holding
 * AD-ETYPE-NEGOTIATION (129), an EtypeList (SEQUENCE OF Int32), as MIT's mk_req_ext.c sends it
 * with mutual authentication and rd_req_dec.c reads it to pick the acceptor subkey's enctype.
 */
import {
  decodeInt32,
  decodeSequenceOf,
  encodeInteger,
  encodeSequenceOf,
  readTlv,
} from '../../../../asn1/index.js';
import {
  type AuthorizationData,
  decodeAuthorizationData,
  encodeAuthorizationData,
} from '../../../../krb5/messages/common.js';

const AD_IF_RELEVANT = 1;
const AD_ETYPE_NEGOTIATION = 129;

/**
 * MIT make_etype_list: only when we prefer another enctype than the ticket session key's; the
 * list stops after the session key's enctype when it is in it.
 */
export function etypeNegotiationAuthdata(
  desired: readonly number[],
  sessionEnctype: number,
): AuthorizationData | undefined {
  if (desired.length === 0 || desired[0] === sessionEnctype) return undefined;
  const cut = desired.indexOf(sessionEnctype);
  const list = cut < 0 ? desired : desired.slice(0, cut + 1);
  const etypeList = encodeSequenceOf(list, (e) => encodeInteger(e));
  const inner = encodeAuthorizationData([{ adType: AD_ETYPE_NEGOTIATION, adData: etypeList }]);
  return [{ adType: AD_IF_RELEVANT, adData: inner }];
}

/** The EtypeList in an authenticator's authorization data, or [] (decode errors throw GssError). */
export function readEtypeNegotiation(ad: AuthorizationData | undefined): number[] {
  const out: number[] = [];
  for (const e of ad ?? []) {
    if (e.adType !== AD_IF_RELEVANT) continue;
    for (const inner of decodeAuthorizationData(readTlv(e.adData, 'AD-IF-RELEVANT'), 'AD-IF-RELEVANT')) {
      if (inner.adType !== AD_ETYPE_NEGOTIATION) continue;
      const list = decodeSequenceOf(
        readTlv(inner.adData, 'EtypeList'),
        (t) => decodeInt32(t, 'EtypeList'),
        'EtypeList',
      );
      // One by one: spreading a peer-sized list into push() overflows the stack (RangeError).
      for (const etype of list) out.push(etype);
    }
  }
  return out;
}
