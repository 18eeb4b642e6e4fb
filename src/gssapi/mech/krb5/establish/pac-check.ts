/**
 * The acceptor's PAC check (MIT's mspac authdata module, rd_req_decoded): a ticket carrying a
 * PAC has its server signature verified with the service key and its client info matched with
 * the ticket. One difference from MIT 1.20, chosen and documented (docs/active-directory.md):
 * MIT keeps a context whose PAC fails and only marks the PAC unverified; here the context is
 * refused with the code MIT's krb5_pac_verify returns (KRB5KRB_AP_ERR_BAD_INTEGRITY for a bad
 * signature), so a caller never sees authorization data nobody vouched for.
 */
import type { Key } from '../../../../crypto/key.js';
import { principal } from '../../../../krb5/messages/common.js';
import type { EncTicketPart } from '../../../../krb5/messages/ticket.js';
import { findPac, type Pac, verifyPac } from '../../../../krb5/pac/index.js';

export function ticketPac(tkt: EncTicketPart, serviceKey: Key): Pac | undefined {
  const bytes = findPac(tkt.authorizationData);
  if (!bytes) return undefined;
  return verifyPac(bytes, {
    serverKey: serviceKey,
    client: principal(tkt.cname, tkt.crealm),
    authtime: tkt.authtime,
  });
}
