/**
 * The TGS exchange (RFC 4120 3.3) as MIT's krb5_get_credentials does it: reuse a
 * valid cached ticket; else a TGS-REQ whose PA-TGS-REQ carries an AP-REQ with the TGT and an
 * authenticator (key usage 7) holding a fresh subkey and a checksum over the req-body (usage 6);
 * the reply decrypted with the subkey (usage 9) or, failing that, the TGT session key (usage 8),
 * checked as MIT checks it, and stored in the ccache. A service in another realm is reached
 * through cross-realm TGTs (./cross-realm.ts).
 */
import { checksumTypeForEnctype, decrypt, encrypt, makeChecksum, randomKey } from '../../crypto/index.js';
import type { Key } from '../../crypto/key.js';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_CREDENTIALS_EXPIRED, GSS_S_NO_CRED, GssError } from '../../errors/status.js';
import { now as nowMs, nowSeconds } from '../../util/clock.js';
import { type CachedCredential, type CredentialCache, kdcTimeOffset } from '../ccache/index.js';
import {
  KDC_OPT_CANONICALIZE,
  KDC_OPT_FORWARDABLE,
  KDC_OPT_FORWARDED,
  TKT_FLG_FORWARDABLE,
  TKT_FLG_MAY_POSTDATE,
  TKT_FLG_PROXIABLE,
  TKT_FLG_RENEWABLE,
} from '../constants/flags.js';
import {
  KU_TGS_REP_ENC_PART_SESSKEY,
  KU_TGS_REP_ENC_PART_SUBKEY,
  KU_TGS_REQ_AUTH,
  KU_TGS_REQ_AUTH_CKSUM,
} from '../constants/key-usages.js';
import { PA_TGS_REQ } from '../constants/padata-types.js';
import { encodeApReq, encodeAuthenticator } from '../messages/ap.js';
import type { PaData } from '../messages/common.js';
import { decodeEncKdcRepPart, decodeTgsRep, type EncKdcRepPart } from '../messages/kdc-rep.js';
import { encodeKdcReqBody, encodeTgsReq, type KdcReqBody } from '../messages/kdc-req.js';
import { decodeTicket } from '../messages/ticket.js';
import { NT_SRV_INST, type Principal, unparsePrincipal } from '../principal.js';
import { trace } from '../trace.js';
import { credentialFromReply, newNonce, traceEnctype, traceEnctypes } from './common.js';
import { crossRealmTgt } from './cross-realm.js';
import { krb5Error, traceCode } from './errors.js';
import { exchange, kdcError } from './exchange.js';
import type { KdcClientSettings } from './settings.js';
import { type KdcTransport, networkTransport } from './transport.js';
import { verifyKdcReply } from './verify.js';

/** MIT's KDC_TKT_COMMON_MASK: TGT flags a TGS request asks for again (get_creds.c). */
const KDC_TKT_COMMON_MASK =
  (TKT_FLG_FORWARDABLE | TKT_FLG_PROXIABLE | TKT_FLG_MAY_POSTDATE | TKT_FLG_RENEWABLE) >>> 0;

export interface TgsRequest {
  /** The TGT (krbtgt/REALM@REALM) and the client it belongs to. */
  readonly tgt: CachedCredential;
  readonly server: Principal;
  readonly settings: KdcClientSettings;
  readonly transport?: KdcTransport;
  /** KDC options besides those copied from the TGT's flags. */
  readonly kdcOptions?: number;
  /** Replace the TGT-derived options entirely (used for FORWARDED requests). */
  readonly exactOptions?: boolean;
  /** KDC time minus ours in seconds, from the ccache header (MIT applies it to authenticators). */
  readonly timeOffset?: number;
  /** Padata after PA-TGS-REQ (MS-SFU's PA-FOR-USER), built with the TGT's session key. */
  readonly extraPadata?: (tgtSessionKey: Key) => readonly PaData[];
  /** additional-tickets (RFC 4120 5.4.1): the S4U2Proxy evidence ticket, as encoded. */
  readonly additionalTickets?: readonly Uint8Array[];
  /** The client the ticket is for when it is not the TGT's (S4U: the user). */
  readonly forClient?: Principal;
}

/** One TGS exchange with the TGT; nothing is cached. */
export async function tgsExchange(req: TgsRequest): Promise<CachedCredential> {
  const { tgt, server, settings } = req;
  const transport = req.transport ?? networkTransport(settings);
  const client = tgt.client;
  const base = req.exactOptions ? 0 : (tgt.ticketFlags & KDC_TKT_COMMON_MASK) | KDC_OPT_CANONICALIZE;
  const etypes = settings.defaultTgsEnctypes;
  if (etypes.length === 0)
    throw krb5Error('KRB5_CONFIG_ETYPE_NOSUPP', 'No supported encryption types (config file error?)');
  trace(
    `Requesting tickets for ${unparsePrincipal(server)}, referrals ${base & KDC_OPT_CANONICALIZE ? 'on' : 'off'}`,
  );
  const body: KdcReqBody = {
    kdcOptions: (base | (req.kdcOptions ?? 0)) >>> 0,
    realm: server.realm,
    sname: { nameType: server.nameType, components: server.components },
    till: tgt.endtime,
    nonce: newNonce(),
    etype: etypes,
    additionalTickets: req.additionalTickets?.map((t) => decodeTicket(t)),
  };
  const subkey = randomKey(tgt.key.enctype);
  trace(`Generated subkey for TGS request: ${traceEnctype(subkey.enctype)}`);
  trace(`etypes requested in TGS request: ${traceEnctypes(etypes)}`);
  const padata = [
    {
      padataType: PA_TGS_REQ,
      padataValue: tgsApReq(tgt, subkey, encodeKdcReqBody(body), req.timeOffset ?? 0),
    },
    ...(req.extraPadata?.(tgt.key) ?? []),
  ];
  const answer = await exchange(transport, server.realm, encodeTgsReq({ padata, reqBody: body }));
  if ('error' in answer) throw kdcError(answer.error);
  const rep = decodeTgsRep(answer.reply);
  const enc = decryptTgsRep(rep.encPart.cipher, subkey, tgt.key);
  const forClient = req.forClient ?? client;
  verifyKdcReply(rep, enc, {
    request: body,
    client: forClient,
    server,
    now: nowSeconds(),
    clockskew: settings.clockskew,
    timeSync: false,
    referral: (body.kdcOptions & KDC_OPT_CANONICALIZE) !== 0,
  });
  trace(
    `TGS reply is for ${unparsePrincipal(client)} -> ${unparsePrincipal(server)} with session key ${traceEnctype(enc.key.enctype)}`,
  );
  return credentialFromReply(forClient, rep, enc, answer.reply);
}

/** The AP-REQ of PA-TGS-REQ (RFC 4120 5.4.1, 7.5.1 usages 6 and 7). */
function tgsApReq(tgt: CachedCredential, subkey: Key, reqBody: Uint8Array, offset: number): Uint8Array {
  const ms = nowMs() + offset * 1000;
  const authenticator = encodeAuthenticator({
    crealm: tgt.client.realm,
    cname: { nameType: tgt.client.nameType, components: tgt.client.components },
    cksum: {
      cksumtype: checksumTypeForEnctype(tgt.key.enctype),
      checksum: makeChecksum(tgt.key, KU_TGS_REQ_AUTH_CKSUM, reqBody),
    },
    cusec: (ms % 1000) * 1000,
    ctime: Math.floor(ms / 1000),
    subkey,
  });
  const cipher = encrypt(tgt.key, KU_TGS_REQ_AUTH, authenticator);
  authenticator.fill(0);
  return encodeApReq({
    apOptions: 0,
    ticket: decodeTicket(tgt.ticket),
    authenticator: { etype: tgt.key.enctype, cipher },
  });
}

/** RFC 4120 5.4.2: the subkey (usage 9) when we sent one; MIT also accepts the session key (8). */
function decryptTgsRep(cipher: Uint8Array, subkey: Key, sessionKey: Key): EncKdcRepPart {
  let plain: Uint8Array;
  try {
    plain = decrypt(subkey, KU_TGS_REP_ENC_PART_SUBKEY, cipher);
  } catch {
    plain = decrypt(sessionKey, KU_TGS_REP_ENC_PART_SESSKEY, cipher);
  }
  try {
    return decodeEncKdcRepPart(plain);
  } finally {
    plain.fill(0);
  }
}

export interface ServiceCredentialsRequest {
  readonly ccache: CredentialCache;
  readonly server: Principal;
  readonly settings: KdcClientSettings;
  readonly transport?: KdcTransport;
  /** Skip the cache lookup (MIT's KRB5_GC_NO_STORE is `store: false`). */
  readonly cached?: boolean;
  readonly store?: boolean;
}

/** The TGT of the cache's principal for its own realm. */
export async function getTgt(ccache: CredentialCache, at = nowSeconds()): Promise<CachedCredential> {
  const client = await ccache.getPrincipal();
  const name: Principal = {
    nameType: NT_SRV_INST,
    components: ['krbtgt', client.realm],
    realm: client.realm,
  };
  try {
    const tgt = await ccache.retrieve(name, { client, validAt: at });
    trace(`Starting with TGT for client realm: ${unparsePrincipal(client)} -> ${unparsePrincipal(name)}`);
    return tgt;
  } catch (e) {
    // An expired TGT is GSS_S_CREDENTIALS_EXPIRED / KRB5KRB_AP_ERR_TKT_EXPIRED, as MIT reports it.
    const stale = await ccache.retrieve(name, { client }).catch(() => undefined);
    if (stale) {
      throw new GssError(
        GSS_S_CREDENTIALS_EXPIRED,
        MINOR.KRB5KRB_AP_ERR_TKT_EXPIRED,
        `Ticket expired (TGT of ${unparsePrincipal(client)} in ${ccache.name})`,
        { cause: e },
      );
    }
    throw new GssError(
      GSS_S_NO_CRED,
      e instanceof GssError ? e.minor : 0,
      `No valid TGT for ${unparsePrincipal(client)} in ${ccache.name} (kinit first)`,
      { cause: e },
    );
  }
}

/** The KDC time offset a ccache header records (0 when none), as MIT's cc_file.c reads it. */
async function cacheTimeOffset(ccache: CredentialCache): Promise<number> {
  try {
    return kdcTimeOffset(await ccache.read())?.seconds ?? 0;
  } catch {
    return 0;
  }
}

/** MIT's KRB5_REFERRAL_MAXHOPS. */
const MAX_REFERRAL_HOPS = 10;

/** A TGT for another realm where a service ticket was asked for. */
function isReferral(cred: CachedCredential, asked: Principal): boolean {
  const s = cred.server;
  const tgs = (p: Principal) => p.components.length === 2 && p.components[0] === 'krbtgt';
  return tgs(s) && !tgs(asked) && s.components[1] !== s.realm;
}

/** krb5_get_credentials: a valid cached ticket for `server`, else one from the KDC, stored. */
export async function getServiceCredentials(req: ServiceCredentialsRequest): Promise<CachedCredential> {
  const { ccache, server } = req;
  const client = await ccache.getPrincipal();
  const at = nowSeconds();
  trace(
    `Getting credentials ${unparsePrincipal(client)} -> ${unparsePrincipal(server)} using ccache ${ccache.name}`,
  );
  if (req.cached !== false) {
    try {
      const c = await ccache.retrieve(server, {
        client,
        validAt: at,
        enctypes: req.settings.defaultTgsEnctypes,
      });
      trace(
        `Retrieving ${unparsePrincipal(client)} -> ${unparsePrincipal(server)} from ${ccache.name} with result: 0/Success`,
      );
      return c;
    } catch (e) {
      const minor = e instanceof GssError ? e.minor : MINOR.KRB5_CC_NOTFOUND;
      trace(
        `Retrieving ${unparsePrincipal(client)} -> ${unparsePrincipal(server)} from ${ccache.name} with result: ${traceCode(minor)}`,
      );
    }
  }
  const own = await getTgt(ccache, at);
  const timeOffset = await cacheTimeOffset(ccache);
  // A service in another realm: a cross-realm TGT for its realm first (./cross-realm.ts).
  const tgt =
    server.realm === client.realm
      ? own
      : await crossRealmTgt({
          ccache,
          tgt: own,
          serverRealm: server.realm,
          settings: req.settings,
          transport: req.transport,
          timeOffset,
          at,
        });
  let cred = await tgsExchange({
    tgt,
    server,
    settings: req.settings,
    transport: req.transport,
    timeOffset,
  });
  // RFC 6806 8: a referral TGT krbtgt/OTHER@THIS instead of the ticket; ask OTHER, with it.
  for (let hops = 0; isReferral(cred, server); hops++) {
    if (hops >= MAX_REFERRAL_HOPS) throw krb5Error('KRB5_KDCREP_MODIFIED', 'Too many referrals');
    const next: Principal = { ...server, realm: cred.server.components[1] };
    trace(`Following referral TGT ${unparsePrincipal(cred.server)} to ${unparsePrincipal(next)}`);
    cred = await tgsExchange({
      tgt: cred,
      server: next,
      settings: req.settings,
      transport: req.transport,
      timeOffset,
    });
  }
  if (req.store !== false) {
    trace(`Storing ${unparsePrincipal(client)} -> ${unparsePrincipal(server)} in ${ccache.name}`);
    await ccache.store(cred);
  }
  return cred;
}

export interface ForwardedTgtRequest {
  readonly ccache: CredentialCache;
  readonly settings: KdcClientSettings;
  readonly transport?: KdcTransport;
  /** Ask for a forwardable forwarded TGT (MIT: GSS_C_DELEG_FLAG with forwardable creds). */
  readonly forwardable?: boolean;
}

/**
 * krb5_fwd_tgt_creds: a TGT with the FORWARDED option (RFC 4120 2.6) for the GSS initiator to put
 * in a KRB-CRED; it is not stored in the ccache. The TGT must be forwardable (KDC_ERR_BADOPTION
 * from the KDC otherwise).
 */
export async function getForwardedTgt(req: ForwardedTgtRequest): Promise<CachedCredential> {
  const tgt = await getTgt(req.ccache);
  const options = (KDC_OPT_FORWARDED | (req.forwardable ? KDC_OPT_FORWARDABLE : 0)) >>> 0;
  return tgsExchange({
    tgt,
    server: tgt.server,
    settings: req.settings,
    transport: req.transport,
    kdcOptions: options,
    exactOptions: true,
    timeOffset: await cacheTimeOffset(req.ccache),
  });
}
