/**
 * Ticket flags and times as MIT's KDC computes them (src/kdc/kdc_util.c get_ticket_flags,
 * kdc_get_ticket_endtime, kdc_get_ticket_renewtime; select_session_keytype). Pure functions of
 * the request, the database entries and the header ticket, so they are tested without a network.
 */
import {
  KDC_OPT_ALLOW_POSTDATE,
  KDC_OPT_FORWARDABLE,
  KDC_OPT_FORWARDED,
  KDC_OPT_POSTDATED,
  KDC_OPT_PROXIABLE,
  KDC_OPT_PROXY,
  KDC_OPT_RENEW,
  KDC_OPT_RENEWABLE,
  KDC_OPT_RENEWABLE_OK,
  KDC_OPT_VALIDATE,
  TKT_FLG_ANONYMOUS,
  TKT_FLG_FORWARDABLE,
  TKT_FLG_FORWARDED,
  TKT_FLG_HW_AUTH,
  TKT_FLG_INITIAL,
  TKT_FLG_INVALID,
  TKT_FLG_PRE_AUTH,
  TKT_FLG_PROXIABLE,
  TKT_FLG_PROXY,
  TKT_FLG_RENEWABLE,
} from '../constants/index.js';
import type { PrincipalEntry } from './db.js';

/** MIT's kdc_infinity: the end of 32-bit time, used when a request asks for no limit. */
export const KDC_INFINITY = 0x7fffffff;

/** Realm limits (MIT kdc.conf max_life, max_renewable_life; libdefaults clockskew). */
export interface RealmPolicy {
  readonly maxLife: number;
  readonly maxRenewableLife: number;
  readonly clockSkew: number;
}

/** The header ticket's part that policy looks at (TGS requests). */
export interface HeaderTicket {
  readonly flags: number;
  readonly renewTill?: number;
}

/**
 * KDC options 1..6 request the ticket flags of the same bit number (MIT OPTS2FLAGS): forwardable,
 * forwarded, proxiable, proxy, allow-postdate (may-postdate), postdated. RENEWABLE is decided by
 * ticketRenewTill.
 */
const OPTS_TO_FLAGS =
  KDC_OPT_FORWARDABLE |
  KDC_OPT_FORWARDED |
  KDC_OPT_PROXIABLE |
  KDC_OPT_PROXY |
  KDC_OPT_ALLOW_POSTDATE |
  KDC_OPT_POSTDATED;

/** Flags header tickets pass on to tickets issued from them (MIT TGS_COPIED_FLAGS_MASK). */
const COPY_TKT_FLAGS =
  TKT_FLG_FORWARDED | TKT_FLG_PROXY | TKT_FLG_PRE_AUTH | TKT_FLG_HW_AUTH | TKT_FLG_ANONYMOUS;

/**
 * MIT get_ticket_flags. (MIT also sets ENC_PA_REP to announce RFC 6806 encrypted padata; this KDC
 * sends no encrypted padata, so it leaves that flag clear: a client seeing it would look for
 * PA-REQ-ENC-PA-REP.)
 */
export function ticketFlags(
  kdcOptions: number,
  client: PrincipalEntry | undefined,
  server: PrincipalEntry,
  header?: HeaderTicket,
): number {
  if (kdcOptions & (KDC_OPT_VALIDATE | KDC_OPT_RENEW) && header)
    return (header.flags & ~TKT_FLG_INVALID) >>> 0;
  let flags = kdcOptions & OPTS_TO_FLAGS;
  if (kdcOptions & KDC_OPT_POSTDATED) flags |= TKT_FLG_INVALID;
  if (header) flags |= header.flags & COPY_TKT_FLAGS;
  else flags |= TKT_FLG_INITIAL;
  if (header && !(header.flags & TKT_FLG_PROXIABLE)) flags &= ~TKT_FLG_PROXIABLE;
  if (client && !client.allowForwardable) flags &= ~TKT_FLG_FORWARDABLE;
  if (!server.allowForwardable) flags &= ~TKT_FLG_FORWARDABLE;
  if (header && !(header.flags & TKT_FLG_FORWARDABLE)) flags &= ~TKT_FLG_FORWARDABLE;
  return flags >>> 0;
}

/** MIT kdc_get_ticket_endtime: the requested till capped by the entries' and realm's max life. */
export function ticketEndTime(
  realm: RealmPolicy,
  startTime: number,
  endLimit: number,
  till: number | undefined,
  client: PrincipalEntry | undefined,
  server: PrincipalEntry,
): number {
  const until = Math.min(till || KDC_INFINITY, endLimit);
  let life = until - startTime;
  if (client && client.maxLife !== 0) life = Math.min(life, client.maxLife);
  if (server.maxLife !== 0) life = Math.min(life, server.maxLife);
  if (realm.maxLife !== 0) life = Math.min(life, realm.maxLife);
  return startTime + life;
}

/**
 * MIT kdc_get_ticket_renewtime: returns renew-till, or undefined when the ticket is not renewable
 * (then the caller clears TKT_FLG_RENEWABLE).
 */
export function ticketRenewTill(
  realm: RealmPolicy,
  req: { kdcOptions: number; till?: number; rtime?: number },
  startTime: number,
  endTime: number,
  client: PrincipalEntry | undefined,
  server: PrincipalEntry,
  header?: HeaderTicket,
): number | undefined {
  if (!server.allowRenewable || (client && !client.allowRenewable)) return undefined;
  if (header && !(header.flags & TKT_FLG_RENEWABLE)) return undefined;
  let rtime: number;
  if (req.kdcOptions & KDC_OPT_RENEWABLE) rtime = req.rtime || KDC_INFINITY;
  else if (req.kdcOptions & KDC_OPT_RENEWABLE_OK && (req.till || KDC_INFINITY) > endTime)
    rtime = req.till || KDC_INFINITY;
  else return undefined;
  if (header?.renewTill !== undefined) rtime = Math.min(rtime, header.renewTill);
  let maxRlife = realm.maxRenewableLife;
  if (server.maxRenewableLife !== 0) maxRlife = Math.min(maxRlife, server.maxRenewableLife);
  if (client && client.maxRenewableLife !== 0) maxRlife = Math.min(maxRlife, client.maxRenewableLife);
  rtime = Math.min(rtime, startTime + maxRlife);
  if (!(req.kdcOptions & KDC_OPT_RENEWABLE) && !(rtime > endTime)) return undefined;
  return rtime;
}

/**
 * MIT select_session_keytype: the first enctype of the client's list that the KDC permits and the
 * server supports (MIT assumes every server supports aes256-cts-hmac-sha1-96, and otherwise any
 * enctype it has a key for). 0 when none: KDC_ERR_ETYPE_NOSUPP.
 */
export function selectSessionEnctype(
  requested: readonly number[],
  server: PrincipalEntry,
  permitted: readonly number[],
): number {
  for (const e of requested) {
    if (!permitted.includes(e)) continue;
    if (e === 18 || server.keys.some((k) => k.enctype === e)) return e;
  }
  return 0;
}

/** MIT select_client_key: the first requested enctype the entry has a key for (the newest kvno). */
export function selectClientKey<K extends { enctype: number; kvno: number }>(
  requested: readonly number[],
  keys: readonly K[],
): K | undefined {
  for (const e of requested) {
    const match = keys.filter((k) => k.enctype === e).sort((a, b) => b.kvno - a.kvno)[0];
    if (match) return match;
  }
  return undefined;
}
