/**
 * The TGS exchange (RFC 4120 3.3, 5.4.1-2): the AP-REQ in PA-TGS-REQ is checked as MIT's
 * kdc_process_tgs_req does (TGT decrypted with the krbtgt key, ours or an incoming trust's, and
 * the authenticator with the session key
 * and usage 7, client names matched, skew, keyed checksum over the req-body with usage 6), then the
 * options (tgs_policy.c check_tgs_opts) and the new ticket. The reply is encrypted in the
 * authenticator subkey (usage 9) when there is one, else the TGT session key (usage 8).
 */
import { decrypt, encrypt, randomKey, verifyChecksumOfType } from '../../crypto/index.js';
import {
  KDC_ERR_BADOPTION,
  KDC_ERR_ETYPE_NOSUPP,
  KDC_ERR_PADATA_TYPE_NOSUPP,
  KDC_ERR_S_PRINCIPAL_UNKNOWN,
  KDC_OPT_DISABLE_TRANSITED_CHECK,
  KDC_OPT_FORWARDED,
  KDC_OPT_POSTDATED,
  KDC_OPT_PROXY,
  KDC_OPT_RENEW,
  KDC_OPT_VALIDATE,
  KRB_AP_ERR_BAD_INTEGRITY,
  KRB_AP_ERR_BADMATCH,
  KRB_AP_ERR_INAPP_CKSUM,
  KRB_AP_ERR_MODIFIED,
  KRB_AP_ERR_NOT_US,
  KRB_AP_ERR_SKEW,
  KRB_AP_ERR_TKT_EXPIRED,
  KRB_AP_ERR_TKT_NYV,
  KRB_ERR_GENERIC,
  KU_TGS_REP_ENC_PART_SESSKEY,
  KU_TGS_REP_ENC_PART_SUBKEY,
  KU_TGS_REQ_AUTH,
  KU_TGS_REQ_AUTH_CKSUM,
  KU_TICKET,
  PA_TGS_REQ,
  TKT_FLG_FORWARDABLE,
  TKT_FLG_INVALID,
  TKT_FLG_MAY_POSTDATE,
  TKT_FLG_PROXIABLE,
  TKT_FLG_RENEWABLE,
  TKT_FLG_TRANSIT_POLICY_CHECKED,
} from '../constants/index.js';
import { principal } from '../messages/common.js';
import { decodeEncTicketPart, type EncTicketPart } from '../messages/ticket.js';
import { principalEquals } from '../principal.js';
import type { KdcContext } from './context.js';
import { isIncomingTrust } from './db.js';
import { refuse } from './errors.js';
import { selectSessionEnctype, ticketEndTime, ticketFlags, ticketRenewTill } from './policy.js';
import { issueTicket } from './ticket.js';
import {
  type Authenticator,
  decodeApReq,
  decodeAuthenticator,
  encodeEncKdcRepPart,
  encodeTgsRep,
  type KdcReq,
} from './wire.js';

/** The verified header ticket, exposed so errors can name its client (prepare_error_tgs). */
export interface TgsHeader {
  header?: EncTicketPart;
}

export function processTgsReq(ctx: KdcContext, req: KdcReq, seen: TgsHeader): Uint8Array {
  const body = req.reqBody;
  const pa = (req.padata ?? []).find((p) => p.padataType === PA_TGS_REQ);
  if (!pa || !req.reqBodyBytes) refuse(KDC_ERR_PADATA_TYPE_NOSUPP, 'PROCESS_TGS');
  const now = ctx.nowSeconds();
  const { tgt, authenticator } = verifyApReq(ctx, pa.padataValue, req.reqBodyBytes, now);
  seen.header = tgt;

  const opts = body.kdcOptions;
  checkTgsOptions(opts, tgt);
  if (!(opts & KDC_OPT_RENEW)) {
    if (tgt.starttime !== undefined && tgt.starttime - ctx.policy.clockSkew > now)
      refuse(KRB_AP_ERR_TKT_NYV, 'NOT_YET_VALID');
    if (tgt.endtime + ctx.policy.clockSkew < now) refuse(KRB_AP_ERR_TKT_EXPIRED, 'TKT_EXPIRED');
  } else if ((tgt.renewTill ?? 0) < now) {
    refuse(KRB_AP_ERR_TKT_EXPIRED, 'TKT_EXPIRED');
  }

  if (!body.sname) refuse(KDC_ERR_S_PRINCIPAL_UNKNOWN, 'NULL_SERVER');
  const server = ctx.db.get(principal(body.sname, body.realm));
  if (!server) refuse(KDC_ERR_S_PRINCIPAL_UNKNOWN, 'LOOKING_UP_SERVER');
  const client = tgt.crealm === ctx.realm ? ctx.db.get(principal(tgt.cname, tgt.crealm)) : undefined;

  const sessionEnctype = selectSessionEnctype(body.etype, server, ctx.permitted);
  if (sessionEnctype === 0) refuse(KDC_ERR_ETYPE_NOSUPP, 'BAD_ENCRYPTION_TYPE');

  let flags = ticketFlags(opts, client, server, tgt);
  const authtime = tgt.authtime;
  let startTime = opts & KDC_OPT_POSTDATED && body.from ? body.from : now;
  let endTime: number;
  let renewTill: number | undefined;
  if (opts & KDC_OPT_VALIDATE) {
    // RFC 4120 3.3.3.2: a postdated ticket made valid keeps its times.
    startTime = tgt.starttime ?? tgt.authtime;
    endTime = tgt.endtime;
    renewTill = tgt.renewTill;
  } else if (opts & KDC_OPT_RENEW) {
    // RFC 4120 3.3.3.1: the old lifetime again from now, not past renew-till.
    const oldLife = tgt.endtime - (tgt.starttime ?? tgt.authtime);
    renewTill = tgt.renewTill;
    endTime = Math.min(renewTill ?? now, now + oldLife);
  } else {
    endTime = ticketEndTime(ctx.policy, startTime, tgt.endtime, body.till, client, server);
    renewTill = ticketRenewTill(ctx.policy, body, startTime, endTime, client, server, {
      flags: tgt.flags,
      renewTill: tgt.renewTill,
    });
    flags = renewTill === undefined ? flags & ~TKT_FLG_RENEWABLE : flags | TKT_FLG_RENEWABLE;
  }
  // MIT do_tgs_req: the transited path (empty within one realm) passes kdc_check_transited_list,
  // so every TGS reply, renewals included, is transited-policy-checked unless the client opts out.
  if (!(opts & KDC_OPT_DISABLE_TRANSITED_CHECK)) flags |= TKT_FLG_TRANSIT_POLICY_CHECKED;
  flags >>>= 0;
  // Forwarded and proxy tickets carry the request's addresses; others keep the TGT's.
  const caddr = opts & (KDC_OPT_FORWARDED | KDC_OPT_PROXY) ? body.addresses : tgt.caddr;
  const sessionKey = randomKey(sessionEnctype);
  const ticket = issueTicket(ctx, server, body.sname, {
    flags,
    key: sessionKey,
    crealm: tgt.crealm,
    cname: tgt.cname,
    authtime,
    starttime: startTime,
    endtime: endTime,
    renewTill,
    caddr,
  });
  const encPart = encodeEncKdcRepPart({
    tag: 26,
    key: sessionKey,
    lastReq: [{ lrType: 0, lrValue: 0 }],
    nonce: body.nonce,
    flags,
    authtime,
    starttime: startTime === authtime ? undefined : startTime,
    endtime: endTime,
    renewTill,
    srealm: ctx.realm,
    sname: body.sname,
    caddr: caddr && caddr.length > 0 ? caddr : undefined,
  });
  const replyKey = authenticator.subkey ?? tgt.key;
  const usage = authenticator.subkey ? KU_TGS_REP_ENC_PART_SUBKEY : KU_TGS_REP_ENC_PART_SESSKEY;
  let cipher: Uint8Array;
  try {
    cipher = encrypt(replyKey, usage, encPart);
  } catch {
    // A subkey the client chose with an enctype or length we cannot use: MIT's do_tgs_req fails
    // in krb5_encode_kdc_rep, a generic error with status ENCODE_KDC_REP.
    return refuse(KRB_ERR_GENERIC, 'ENCODE_KDC_REP');
  }
  return encodeTgsRep({
    crealm: tgt.crealm,
    cname: tgt.cname,
    ticket,
    encPart: { etype: replyKey.enctype, cipher },
  });
}

/** MIT check_tgs_opts: each option needs its flag in the TGT. */
function checkTgsOptions(opts: number, tgt: EncTicketPart): void {
  const rules: [number, number, string][] = [
    [KDC_OPT_FORWARDED, TKT_FLG_FORWARDABLE, 'TGT NOT FORWARDABLE'],
    [KDC_OPT_PROXY, TKT_FLG_PROXIABLE, 'TGT NOT PROXIABLE'],
    [KDC_OPT_VALIDATE, TKT_FLG_INVALID, 'VALIDATE VALID TICKET'],
    [KDC_OPT_RENEW, TKT_FLG_RENEWABLE, 'TICKET NOT RENEWABLE'],
  ];
  for (const [opt, flag, status] of rules)
    if (opts & opt && !(tgt.flags & flag)) refuse(KDC_ERR_BADOPTION, status);
  if ((opts & (1 << (31 - 5)) || opts & (1 << (31 - 6))) && !(tgt.flags & TKT_FLG_MAY_POSTDATE)) {
    refuse(KDC_ERR_BADOPTION, 'TGT NOT POSTDATABLE');
  }
  if (tgt.flags & TKT_FLG_INVALID && !(opts & KDC_OPT_VALIDATE))
    refuse(KRB_AP_ERR_TKT_NYV, 'TICKET NOT VALID');
}

interface VerifiedApReq {
  tgt: EncTicketPart;
  authenticator: Authenticator;
}

/** The AP-REQ of PA-TGS-REQ (RFC 4120 5.5.1, 3.2.3) against this realm's krbtgt. */
function verifyApReq(
  ctx: KdcContext,
  apReqBytes: Uint8Array,
  reqBody: Uint8Array,
  now: number,
): VerifiedApReq {
  let apReq: ReturnType<typeof decodeApReq>;
  try {
    apReq = decodeApReq(apReqBytes);
  } catch {
    return refuse(KRB_ERR_GENERIC, 'PROCESS_TGS');
  }
  const tkt = apReq.ticket;
  const tgs = ctx.db.get(principal(tkt.sname, tkt.realm));
  // Our own TGT, or another realm's cross-realm TGT to us (krbtgt/THIS@OTHER).
  if (
    !tgs ||
    !(principalEquals(tgs.principal, ctx.tgsPrincipal) || isIncomingTrust(tgs.principal, ctx.realm))
  )
    refuse(KRB_AP_ERR_NOT_US, 'PROCESS_TGS');
  const keys = tgs.keys.filter(
    (k) => k.enctype === tkt.encPart.etype && (tkt.encPart.kvno === undefined || k.kvno === tkt.encPart.kvno),
  );
  let tgt: EncTicketPart | undefined;
  for (const k of keys) {
    try {
      tgt = decodeEncTicketPart(decrypt(k, KU_TICKET, tkt.encPart.cipher));
      break;
    } catch {
      // next key
    }
  }
  if (!tgt) refuse(KRB_AP_ERR_BAD_INTEGRITY, 'PROCESS_TGS');
  let authenticator: Authenticator;
  try {
    authenticator = decodeAuthenticator(decrypt(tgt.key, KU_TGS_REQ_AUTH, apReq.authenticator.cipher));
  } catch {
    return refuse(KRB_AP_ERR_BAD_INTEGRITY, 'PROCESS_TGS');
  }
  if (
    !principalEquals(principal(authenticator.cname, authenticator.crealm), principal(tgt.cname, tgt.crealm))
  ) {
    refuse(KRB_AP_ERR_BADMATCH, 'PROCESS_TGS');
  }
  if (Math.abs(authenticator.ctime - now) > ctx.policy.clockSkew) refuse(KRB_AP_ERR_SKEW, 'PROCESS_TGS');
  const cksum = authenticator.cksum;
  if (!cksum) refuse(KRB_AP_ERR_INAPP_CKSUM, 'PROCESS_TGS');
  let ok = false;
  try {
    ok = verifyChecksumOfType(cksum.cksumtype, tgt.key, KU_TGS_REQ_AUTH_CKSUM, reqBody, cksum.checksum);
  } catch {
    refuse(KRB_AP_ERR_INAPP_CKSUM, 'PROCESS_TGS');
  }
  if (!ok) refuse(KRB_AP_ERR_MODIFIED, 'PROCESS_TGS');
  return { tgt, authenticator };
}
