/**
 * The AS exchange (RFC 4120 3.1) as MIT's krb5_get_init_creds does it: a first request without
 * pre-authentication; on KDC_ERR_PREAUTH_REQUIRED, the salt and s2kparams of the KDC's
 * PA-ETYPE-INFO2 and a PA-ENC-TIMESTAMP (5.2.7.2); the reply decrypted with key usage 3 and
 * checked (./verify.ts) before it is trusted; the KDC's clock offset recorded as MIT records it.
 */

import { readTlv } from '../../asn1/index.js';
import { decrypt, verifyChecksumOfType } from '../../crypto/index.js';
import type { Key } from '../../crypto/key.js';
import { now as nowMs, nowSeconds } from '../../util/clock.js';
import type { CachedCredential, TimeOffset } from '../ccache/index.js';
import {
  KDC_OPT_CANONICALIZE,
  KDC_OPT_FORWARDABLE,
  KDC_OPT_PROXIABLE,
  KDC_OPT_RENEWABLE,
  KDC_OPT_RENEWABLE_OK,
  TKT_FLG_ENC_PA_REP,
} from '../constants/flags.js';
import { KU_AS_REP_ENC_PART, KU_AS_REQ } from '../constants/key-usages.js';
import {
  PA_AS_FRESHNESS,
  PA_ENC_TIMESTAMP,
  PA_FX_COOKIE,
  PA_FX_FAST,
  PA_REQ_ENC_PA_REP,
} from '../constants/padata-types.js';
import type { Keytab } from '../keytab/index.js';
import { decodeChecksum, type PaData } from '../messages/common.js';
import { decodeAsRep, decodeEncKdcRepPart, type EncKdcRepPart } from '../messages/kdc-rep.js';
import { encodeAsReq, type KdcReqBody } from '../messages/kdc-req.js';
import type { KrbError } from '../messages/krb-error.js';
import { NT_ENTERPRISE, NT_PRINCIPAL, NT_SRV_INST, type Principal, unparsePrincipal } from '../principal.js';
import { trace } from '../trace.js';
import {
  chooseKey,
  type KeyChoice,
  replyKey,
  safeMethodData,
  sortByKeytab,
  wipePasswordKeys,
} from './as-keys.js';
import { credentialFromReply, encTimestampPadata, newNonce, padataNames, traceEnctype } from './common.js';
import { krb5Error } from './errors.js';
import { exchange, kdcError } from './exchange.js';
import { type ExpiryTimes, expiryTimes } from './expiry.js';
import type { KdcClientSettings } from './settings.js';
import { type KdcTransport, networkTransport } from './transport.js';
import { verifyKdcReply } from './verify.js';

/** RFC 4120 7.5.9 error codes the AS exchange reacts to. */
const KDC_ERR_C_PRINCIPAL_UNKNOWN = 6;
const KDC_ERR_PREAUTH_FAILED = 24;
const KDC_ERR_PREAUTH_REQUIRED = 25;
const KRB_AP_ERR_BAD_INTEGRITY = 31;
const KRB_AP_ERR_SKEW = 37;
const KDC_ERR_WRONG_REALM = 68;
/** MIT get_in_tkt.c MAX_IN_TKT_LOOPS. */
const MAX_IN_TKT_LOOPS = 16;

/**
 * RFC 6806 4, as MIT's is_referral: with canonicalization, KDC_ERR_WRONG_REALM (or
 * C_PRINCIPAL_UNKNOWN) naming a client realm other than ours is a client referral to it.
 */
function clientReferralRealm(e: KrbError, realm: string, canonicalize: boolean): string | undefined {
  if (!canonicalize) return undefined;
  if (e.errorCode !== KDC_ERR_WRONG_REALM && e.errorCode !== KDC_ERR_C_PRINCIPAL_UNKNOWN) return undefined;
  if (e.crealm === undefined || e.crealm === '' || e.crealm === realm) return undefined;
  return e.crealm;
}

export interface InitialCredentialsRequest {
  readonly client: Principal;
  /** The password (string-to-key with the KDC's salt), or a keytab holding the client's keys. */
  readonly password?: string;
  readonly keytab?: Keytab;
  readonly settings: KdcClientSettings;
  /** Default: the network, to the KDCs krb5.conf names. */
  readonly transport?: KdcTransport;
  /** Seconds; default ticket_lifetime. */
  readonly lifetime?: number;
  /** Seconds; default renew_lifetime (0: not renewable). */
  readonly renewLifetime?: number;
  /** Default: libdefaults forwardable. */
  readonly forwardable?: boolean;
  readonly proxiable?: boolean;
  /** Default: krbtgt/REALM@REALM. */
  readonly server?: Principal;
  /**
   * RFC 6806 name canonicalization (MIT kinit -C, libdefaults canonicalize): the KDC may answer
   * with another client name or realm (an enterprise name resolved, a realm's case corrected),
   * and the credential carries the name the KDC answered with. Default: libdefaults canonicalize.
   */
  readonly canonicalize?: boolean;
}

export interface InitialCredentials {
  readonly credential: CachedCredential;
  /** KDC time minus ours (MIT's krb5_set_real_time with microseconds -1: usec offset 0). */
  readonly kdcTimeOffset: TimeOffset;
  /** The pre-authentication type used (2: encrypted timestamp), for the `pa_type` cache config. */
  readonly paType?: number;
  /**
   * The KDC offered FAST in a verified enc-pa-rep (RFC 6806 11): MIT kinit records it as the
   * `fast_avail` cache config, so MIT's tools armor later requests with this TGT.
   */
  readonly fastAvail: boolean;
  /** Password and account expiry announced by the KDC (Active Directory's LastReq). */
  readonly expiry: ExpiryTimes;
}

/** krb5_get_init_creds_password / _keytab. */
export async function getInitialCredentials(req: InitialCredentialsRequest): Promise<InitialCredentials> {
  if ((req.password === undefined) === (req.keytab === undefined)) {
    throw new TypeError('getInitialCredentials: give exactly one of password or keytab');
  }
  const s = req.settings;
  const transport = req.transport ?? networkTransport(s);
  let client = req.client;
  let realm = client.realm;
  const serverIn = (r: string): Principal =>
    req.server ? { ...req.server, realm: r } : { nameType: NT_SRV_INST, components: ['krbtgt', r], realm: r };
  let server = serverIn(realm);
  trace(`Getting initial credentials for ${unparsePrincipal(client)}`);

  let etypes = [...s.defaultTktEnctypes];
  if (req.keytab) etypes = sortByKeytab(etypes, req.keytab, client);
  if (etypes.length === 0)
    throw krb5Error('KRB5_CONFIG_ETYPE_NOSUPP', 'No supported encryption types (config file error?)');

  const lifetime = req.lifetime ?? s.ticketLifetime;
  const renew = req.renewLifetime ?? s.renewLifetime;
  let kdcOptions = 0;
  if (req.forwardable ?? s.forwardable) kdcOptions |= KDC_OPT_FORWARDABLE;
  if (req.proxiable ?? s.proxiable) kdcOptions |= KDC_OPT_PROXIABLE;
  // As MIT's kinit: renewable when a renew lifetime is asked for, else renewable-ok.
  kdcOptions |= renew > 0 ? KDC_OPT_RENEWABLE : KDC_OPT_RENEWABLE_OK;
  const canonicalize = req.canonicalize ?? s.canonicalize;
  if (canonicalize) kdcOptions |= KDC_OPT_CANONICALIZE;
  kdcOptions >>>= 0;
  // RFC 6806 5: an enterprise name travels as NT-ENTERPRISE, its one component "user@suffix".
  const cnameType = client.nameType === NT_ENTERPRISE ? NT_ENTERPRISE : NT_PRINCIPAL;

  let offset = 0;
  let padata: PaData[] | undefined;
  let chosen: KeyChoice | undefined;
  let skewRetried = false;
  // MIT's MAX_IN_TKT_LOOPS: every request counts, client referrals included.
  for (let round = 0; round < MAX_IN_TKT_LOOPS; round++) {
    const start = nowSeconds() + offset;
    const body: KdcReqBody = {
      kdcOptions,
      cname: { nameType: cnameType, components: client.components },
      realm,
      sname: { nameType: server.nameType, components: server.components },
      till: lifetime > 0 ? start + lifetime : 0,
      rtime: renew > 0 ? start + renew : undefined,
      nonce: newNonce(),
      etype: etypes,
    };
    if (!padata) trace('Sending unauthenticated request');
    // MIT 1.20 ends every AS-REQ's padata with empty PA-AS-FRESHNESS and PA-REQ-ENC-PA-REP.
    const encoded = encodeAsReq({ padata: [...(padata ?? []), ...MIT_TRAILING_PADATA], reqBody: body });
    const answer = await exchange(transport, realm, encoded);
    if ('error' in answer) {
      const e = answer.error;
      if (e.errorCode === KDC_ERR_PREAUTH_REQUIRED && padata === undefined) {
        const methods = e.eData ? safeMethodData(e.eData) : [];
        chosen = chooseKey(req, methods, etypes);
        const cookie = methods.find((m) => m.padataType === PA_FX_COOKIE);
        padata = [...(cookie ? [cookie] : []), encTimestampPadata(chosen.key, offset)];
        trace(`Produced preauth for next request: ${padataNames(padata)}`);
        continue;
      }
      if (e.errorCode === KRB_AP_ERR_SKEW && padata !== undefined && chosen && !skewRetried) {
        // MIT retries once with the KDC's time (get_in_tkt.c, KRB5KRB_AP_ERR_SKEW with preauth).
        skewRetried = true;
        offset = e.stime - nowSeconds();
        padata = padata.map((p) =>
          p.padataType === PA_ENC_TIMESTAMP && chosen ? encTimestampPadata(chosen.key, offset) : p,
        );
        continue;
      }
      const referral = clientReferralRealm(e, realm, canonicalize || cnameType === NT_ENTERPRISE);
      if (referral !== undefined) {
        // MIT init_creds_step_reply: the client's realm becomes the error's, the request and
        // its pre-authentication start over there (restart_init_creds_loop).
        trace(`Following referral for client to realm ${referral}`);
        realm = referral;
        client = { ...client, realm };
        server = serverIn(realm);
        padata = undefined;
        chosen = undefined;
        skewRetried = false;
        continue;
      }
      throw asError(e.errorCode, req, answer.error);
    }
    const rep = decodeAsRep(answer.reply);
    // MIT check_reply_enctype: the reply key's enctype must be one we asked for (so RC4 is
    // never used unless allow_rc4 put it in the request).
    if (!etypes.includes(rep.encPart.etype)) {
      throw krb5Error('KRB5_CONFIG_ETYPE_NOSUPP', `KDC reply enctype ${rep.encPart.etype} was not requested`);
    }
    const key = replyKey(req, rep.encPart.etype, rep.padata, chosen);
    let plain: Uint8Array;
    try {
      plain = decrypt(key, KU_AS_REP_ENC_PART, rep.encPart.cipher);
    } catch (err) {
      // MIT keeps KRB5KRB_AP_ERR_BAD_INTEGRITY and says "Password incorrect" (gic_pwd.c).
      wipePasswordKeys(req, key, chosen);
      if (req.password !== undefined)
        throw krb5Error('KRB5KRB_AP_ERR_BAD_INTEGRITY', 'Password incorrect', err);
      throw err;
    }
    let enc: EncKdcRepPart;
    let fastAvail = false;
    try {
      enc = decodeEncKdcRepPart(plain);
      const now = nowSeconds();
      verifyKdcReply(rep, enc, {
        request: body,
        client,
        server,
        now,
        clockskew: s.clockskew,
        timeSync: true,
        canonicalize: canonicalize || cnameType === NT_ENTERPRISE,
      });
      fastAvail = verifyEncPaRep(enc, key, encoded);
    } finally {
      plain.fill(0); // the decoded padata values are views into it
      wipePasswordKeys(req, key, chosen);
    }
    trace(`Decrypted AS reply; session key is: ${traceEnctype(enc.key.enctype)}`);
    const kdcTimeOffset = { seconds: enc.authtime - Math.floor(nowMs() / 1000), microseconds: 0 };
    return {
      credential: credentialFromReply(client, rep, enc, answer.reply, canonicalize),
      kdcTimeOffset,
      paType: padata ? PA_ENC_TIMESTAMP : undefined,
      fastAvail,
      expiry: expiryTimes(enc),
    };
  }
  throw krb5Error('KRB5_GET_IN_TKT_LOOP', 'Looping detected inside krb5_get_in_tkt');
}

/** Sent at the end of each AS-REQ's padata, empty, as MIT 1.20 sends them. */
const MIT_TRAILING_PADATA: readonly PaData[] = Object.freeze([
  { padataType: PA_AS_FRESHNESS, padataValue: new Uint8Array(0) },
  { padataType: PA_REQ_ENC_PA_REP, padataValue: new Uint8Array(0) },
]);

/**
 * RFC 6806 11 (MIT krb5int_fast_verify_nego): when the reply sets enc-pa-rep, its encrypted
 * padata must hold PA-REQ-ENC-PA-REP, a checksum of our AS-REQ under the reply key (usage 56),
 * which proves nobody altered the unprotected request.
 */
function verifyEncPaRep(enc: EncKdcRepPart, key: Key, request: Uint8Array): boolean {
  if (!(enc.flags & TKT_FLG_ENC_PA_REP)) return false;
  const pa = enc.encryptedPaData?.find((p) => p.padataType === PA_REQ_ENC_PA_REP);
  if (!pa)
    throw krb5Error('KRB5_KDCREP_MODIFIED', 'KDC reply did not match expectations (no PA-REQ-ENC-PA-REP)');
  let ok = false;
  try {
    const c = decodeChecksum(readTlv(pa.padataValue, 'Checksum'));
    ok = verifyChecksumOfType(c.cksumtype, key, KU_AS_REQ, request, c.checksum);
  } catch {
    ok = false;
  }
  if (!ok) throw krb5Error('KRB5_KDCREP_MODIFIED', 'KDC reply did not match expectations (AS-REQ checksum)');
  return enc.encryptedPaData?.some((p) => p.padataType === PA_FX_FAST) ?? false;
}

function asError(code: number, req: InitialCredentialsRequest, e: Parameters<typeof kdcError>[0]) {
  if (code === KDC_ERR_C_PRINCIPAL_UNKNOWN) {
    return kdcError(e, `Client '${unparsePrincipal(req.client)}' not found in Kerberos database`);
  }
  if ((code === KDC_ERR_PREAUTH_FAILED || code === KRB_AP_ERR_BAD_INTEGRITY) && req.password !== undefined) {
    return kdcError(e, 'Password incorrect');
  }
  return kdcError(e);
}
