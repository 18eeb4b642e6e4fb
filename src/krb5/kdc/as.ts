/**
 * The AS exchange (RFC 4120 3.1, 5.4.1-2) in the order MIT's do_as_req.c checks things, so each
 * failure gets MIT's error code and status (e-text): client, server, session enctype, client key,
 * then pre-authentication (PA-ENC-TIMESTAMP, RFC 4120 5.2.7.2).
 */
import { decrypt, encrypt, randomKey } from '../../crypto/index.js';
import {
  KDC_ERR_BADOPTION,
  KDC_ERR_C_PRINCIPAL_UNKNOWN,
  KDC_ERR_ETYPE_NOSUPP,
  KDC_ERR_PREAUTH_FAILED,
  KDC_ERR_PREAUTH_REQUIRED,
  KDC_ERR_S_PRINCIPAL_UNKNOWN,
  KDC_ERR_WRONG_REALM,
  KDC_OPT_CANONICALIZE,
  KDC_OPT_CNAME_IN_ADDL_TKT,
  KDC_OPT_ENC_TKT_IN_SKEY,
  KDC_OPT_FORWARDED,
  KDC_OPT_POSTDATED,
  KDC_OPT_PROXY,
  KDC_OPT_RENEW,
  KDC_OPT_VALIDATE,
  KRB_AP_ERR_SKEW,
  KU_AS_REP_ENC_PART,
  KU_PA_ENC_TIMESTAMP,
  NT_ENTERPRISE,
  PA_ENC_TIMESTAMP,
  PA_ETYPE_INFO2,
  PA_FX_COOKIE,
  TKT_FLG_PRE_AUTH,
  TKT_FLG_RENEWABLE,
} from '../constants/index.js';
import { principal } from '../messages/common.js';
import type { KdcContext } from './context.js';
import type { KdcKey, PrincipalEntry } from './db.js';
import { KdcRefusal, refuse } from './errors.js';
import {
  selectClientKey,
  selectSessionEnctype,
  ticketEndTime,
  ticketFlags,
  ticketRenewTill,
} from './policy.js';
import { issueTicket } from './ticket.js';
import {
  decodePaEncTimestamp,
  decodePaEncTsEnc,
  encodeAsRep,
  encodeEncKdcRepPart,
  encodeEtypeInfo2,
  type KdcReq,
  type PaData,
} from './wire.js';

/** MIT AS_INVALID_OPTIONS: options only a TGS request may carry. */
const AS_INVALID_OPTIONS =
  KDC_OPT_FORWARDED |
  KDC_OPT_PROXY |
  KDC_OPT_RENEW |
  KDC_OPT_VALIDATE |
  KDC_OPT_ENC_TKT_IN_SKEY |
  KDC_OPT_CNAME_IN_ADDL_TKT;

/** The UTF-8 bytes of the salt; MIT's default salt is realm then components, no separators. */
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function processAsReq(ctx: KdcContext, req: KdcReq): Uint8Array {
  const body = req.reqBody;
  if (!body.cname) refuse(KDC_ERR_C_PRINCIPAL_UNKNOWN, 'NULL_CLIENT');
  if (!body.sname) refuse(KDC_ERR_S_PRINCIPAL_UNKNOWN, 'NULL_SERVER');
  const cprinc = principal(body.cname, body.realm);
  const sprinc = principal(body.sname, body.realm);
  const client = ctx.db.get(cprinc);
  if (!client) {
    // RFC 6806 4: a client another realm holds, when the client allows canonicalization.
    const canon = body.kdcOptions & KDC_OPT_CANONICALIZE || body.cname.nameType === NT_ENTERPRISE;
    const other = canon ? ctx.clientReferrals[body.cname.components.join('/')] : undefined;
    if (other !== undefined && other !== ctx.realm) {
      throw new KdcRefusal(KDC_ERR_WRONG_REALM, 'REFERRAL', undefined, other);
    }
    refuse(KDC_ERR_C_PRINCIPAL_UNKNOWN, 'CLIENT_NOT_FOUND');
  }
  const server = ctx.db.get(sprinc);
  if (!server) refuse(KDC_ERR_S_PRINCIPAL_UNKNOWN, 'SERVER_NOT_FOUND');
  if (body.kdcOptions & AS_INVALID_OPTIONS) refuse(KDC_ERR_BADOPTION, 'INVALID AS OPTIONS');

  const sessionEnctype = selectSessionEnctype(body.etype, server, ctx.permitted);
  if (sessionEnctype === 0) refuse(KDC_ERR_ETYPE_NOSUPP, 'BAD_ENCRYPTION_TYPE');

  const clientKey = selectClientKey(body.etype, client.keys);
  if (!clientKey) refuse(KDC_ERR_ETYPE_NOSUPP, 'DECRYPT_CLIENT_KEY');

  const now = ctx.nowSeconds();
  let flags = ticketFlags(body.kdcOptions, client, server);
  if (verifyEncTimestamp(ctx, req.padata ?? [], client, clientKey, now)) flags |= TKT_FLG_PRE_AUTH;
  if (client.requiresPreauth && !(flags & TKT_FLG_PRE_AUTH)) {
    refuse(KDC_ERR_PREAUTH_REQUIRED, 'NEEDED_PREAUTH', hintList(ctx, client, clientKey));
  }

  const startTime = body.kdcOptions & KDC_OPT_POSTDATED && body.from ? body.from : now;
  const endTime = ticketEndTime(ctx.policy, startTime, Number.MAX_SAFE_INTEGER, body.till, client, server);
  const renewTill = ticketRenewTill(ctx.policy, body, startTime, endTime, client, server);
  if (renewTill !== undefined) flags |= TKT_FLG_RENEWABLE;
  const sessionKey = randomKey(sessionEnctype);
  const ticket = issueTicket(ctx, server, body.sname, {
    flags: flags >>> 0,
    key: sessionKey,
    crealm: ctx.realm,
    cname: body.cname,
    authtime: now,
    starttime: startTime,
    endtime: endTime,
    renewTill,
    caddr: body.addresses,
  });
  const encPart = encodeEncKdcRepPart({
    tag: 25,
    key: sessionKey,
    // MIT's fetch_last_req_info with no last-success data: one entry, lr-type 0, time 0.
    lastReq: [{ lrType: 0, lrValue: 0 }],
    nonce: body.nonce,
    flags: flags >>> 0,
    authtime: now,
    starttime: startTime === now ? undefined : startTime,
    endtime: endTime,
    renewTill,
    srealm: ctx.realm,
    sname: body.sname,
    caddr: body.addresses,
  });
  return encodeAsRep({
    padata: [etypeInfo2(ctx, client, clientKey)],
    crealm: ctx.realm,
    cname: body.cname,
    ticket,
    // No kvno in the enc-part: krb5kdc 1.20 sends none (seen on the wire).
    encPart: {
      etype: clientKey.enctype,
      cipher: encrypt(clientKey, KU_AS_REP_ENC_PART, encPart),
    },
  });
}

/**
 * MIT's enc_ts_verify: decrypt with each client key of the PA's enctype (a wrong password fails
 * them all: PREAUTH_FAILED, with the hint list again), then the timestamp must be within the
 * clock skew (KRB_AP_ERR_SKEW, no e-data). Returns false when no PA-ENC-TIMESTAMP was sent.
 */
function verifyEncTimestamp(
  ctx: KdcContext,
  padata: readonly PaData[],
  client: PrincipalEntry,
  clientKey: KdcKey,
  now: number,
): boolean {
  const pa = padata.find((p) => p.padataType === PA_ENC_TIMESTAMP);
  if (!pa) return false;
  const failed = (): never =>
    refuse(KDC_ERR_PREAUTH_FAILED, 'PREAUTH_FAILED', hintList(ctx, client, clientKey));
  let enc: ReturnType<typeof decodePaEncTimestamp>;
  try {
    enc = decodePaEncTimestamp(pa.padataValue);
  } catch {
    return failed();
  }
  let plain: Uint8Array | undefined;
  for (const k of client.keys) {
    if (k.enctype !== enc.etype) continue;
    try {
      plain = decrypt(k, KU_PA_ENC_TIMESTAMP, enc.cipher);
      break;
    } catch {
      // try the next key of this enctype (older kvno)
    }
  }
  if (!plain) return failed();
  let ts: ReturnType<typeof decodePaEncTsEnc>;
  try {
    ts = decodePaEncTsEnc(plain);
  } catch {
    return failed();
  }
  if (Math.abs(ts.patimestamp - now) > ctx.policy.clockSkew) refuse(KRB_AP_ERR_SKEW, 'PREAUTH_FAILED');
  return true;
}

/** ETYPE-INFO2 with one entry: the client key's enctype and salt (kdc_preauth.c make_etype_info). */
function etypeInfo2(_ctx: KdcContext, _client: PrincipalEntry, key: KdcKey): PaData {
  return {
    padataType: PA_ETYPE_INFO2,
    padataValue: encodeEtypeInfo2([{ etype: key.enctype, salt: key.salt }]),
  };
}

/**
 * The METHOD-DATA of NEEDED_PREAUTH and PREAUTH_FAILED, as MIT 1.20 sends it minus FAST:
 * PA-ETYPE-INFO2, PA-ENC-TIMESTAMP (empty), PA-FX-COOKIE ("MIT", what MIT sends without FAST).
 * PA-FX-FAST is left out: this KDC does not implement FAST, so it does not advertise it.
 */
function hintList(ctx: KdcContext, client: PrincipalEntry, key: KdcKey): PaData[] {
  return [
    etypeInfo2(ctx, client, key),
    { padataType: PA_ENC_TIMESTAMP, padataValue: new Uint8Array(0) },
    { padataType: PA_FX_COOKIE, padataValue: utf8('MIT') },
  ];
}
