/**
 * Ticket issue (RFC 4120 5.3): the EncTicketPart encrypted in the server's long-term key with key
 * usage 2. MIT encrypts in the first key of the server's newest kvno (krb5_dbe_find_enctype with
 * enctype -1), so the ticket enctype follows the key order of the entry, strongest first.
 */

import { encrypt } from '../../crypto/index.js';
import type { Key } from '../../crypto/key.js';
import { KU_TICKET } from '../constants/index.js';
import type { HostAddress, PrincipalName } from '../messages/common.js';
import { encodeEncTicketPart, type Ticket } from '../messages/ticket.js';
import type { KdcContext } from './context.js';
import type { KdcKey, PrincipalEntry } from './db.js';

/** MIT's KRB5_DOMAIN_X500_COMPRESS transited encoding, empty for a local realm. */
const DOMAIN_X500_COMPRESS = 1;

export interface TicketContents {
  readonly flags: number;
  readonly key: Key;
  readonly crealm: string;
  readonly cname: PrincipalName;
  readonly authtime: number;
  /** Left out when equal to authtime, as MIT does. */
  readonly starttime?: number;
  readonly endtime: number;
  readonly renewTill?: number;
  readonly caddr?: readonly HostAddress[];
}

/** The newest kvno's first key: the key tickets for this server are encrypted in. */
export function ticketKey(server: PrincipalEntry): KdcKey {
  const kvno = Math.max(...server.keys.map((k) => k.kvno));
  const key = server.keys.find((k) => k.kvno === kvno);
  if (!key) throw new Error(`principal ${server.name} has no keys`);
  return key;
}

/** `sname` is the request's name (its name type too), as MIT puts request->server in the ticket. */
export function issueTicket(
  ctx: KdcContext,
  server: PrincipalEntry,
  sname: PrincipalName,
  c: TicketContents,
): Ticket {
  const key = ticketKey(server);
  const plain = encodeEncTicketPart({
    flags: c.flags,
    key: c.key,
    crealm: c.crealm,
    cname: c.cname,
    transited: { trType: DOMAIN_X500_COMPRESS, contents: new Uint8Array(0) },
    authtime: c.authtime,
    starttime: c.starttime !== undefined && c.starttime !== c.authtime ? c.starttime : undefined,
    endtime: c.endtime,
    renewTill: c.renewTill,
    caddr: c.caddr && c.caddr.length > 0 ? c.caddr : undefined,
  });
  return {
    realm: ctx.realm,
    sname,
    encPart: { etype: key.enctype, kvno: key.kvno, cipher: encrypt(key, KU_TICKET, plain) },
  };
}
