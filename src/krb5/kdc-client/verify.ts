/**
 * Checks on a decrypted KDC reply before anything in it is trusted, in the order and with the
 * error codes of MIT's verify_as_reply (get_in_tkt.c) and check_reply (get_creds.c):
 * names, nonce, requested enctypes, times. A failed check is KRB5_KDCREP_MODIFIED (or
 * KRB5_KDCREP_SKEW / KRB5_CONFIG_ETYPE_NOSUPP), never a partial result.
 */
import {
  KDC_OPT_POSTDATED,
  KDC_OPT_RENEWABLE,
  KDC_OPT_RENEWABLE_OK,
  TKT_FLG_RENEWABLE,
} from '../constants/flags.js';
import { principal as joinName } from '../messages/common.js';
import type { EncKdcRepPart, KdcRep } from '../messages/kdc-rep.js';
import type { KdcReqBody } from '../messages/kdc-req.js';
import { type Principal, principalEquals, unparsePrincipal } from '../principal.js';
import { krb5Error } from './errors.js';

export interface VerifyExpectations {
  readonly request: KdcReqBody;
  readonly client: Principal;
  readonly server: Principal;
  /** Seconds since the epoch on our clock. */
  readonly now: number;
  readonly clockskew: number;
  /** MIT's kdc_timesync (on by default): record the KDC's time instead of failing on skew. */
  readonly timeSync: boolean;
  /**
   * The request asked for canonicalization (or named an enterprise principal): MIT's
   * verify_as_reply then lets the client and server names change as long as a TGT was asked
   * for and a TGT came back (RFC 6806 5-6).
   */
  readonly canonicalize?: boolean;
  /**
   * A TGS request with canonicalize for a service (not a TGT): the KDC may answer with a referral,
   * a TGT for another realm, krbtgt/OTHER@THIS (RFC 6806 8; MIT get_creds.c step_referrals).
   */
  readonly referral?: boolean;
}

const modified = (what: string) =>
  krb5Error('KRB5_KDCREP_MODIFIED', `KDC reply did not match expectations (${what})`);

export function verifyKdcReply(rep: KdcRep, enc: EncKdcRepPart, x: VerifyExpectations): void {
  const req = x.request;
  const cname = joinName(rep.cname, rep.crealm);
  const sname = joinName(enc.sname, enc.srealm);
  const tname = joinName(rep.ticket.sname, rep.ticket.realm);
  const referralOk =
    x.referral === true &&
    !isTgsName(x.server) &&
    isTgsName(sname) &&
    sname.realm === x.server.realm &&
    sname.components[1] !== sname.realm;
  const canonOk = referralOk || (x.canonicalize === true && isTgsName(x.server) && isTgsName(sname));
  if (!canonOk) {
    if (!principalEquals(cname, x.client)) modifiedName('client', cname, x.client);
    if (!principalEquals(sname, x.server)) modifiedName('server', sname, x.server);
  }
  if (!principalEquals(tname, sname)) modifiedName('ticket server', tname, sname);
  if (enc.nonce !== req.nonce) throw modified('nonce');
  if (!req.etype.includes(enc.key.enctype)) {
    throw krb5Error(
      'KRB5_CONFIG_ETYPE_NOSUPP',
      `KDC chose session key enctype ${enc.key.enctype}, which was not requested`,
    );
  }
  const starttime = enc.starttime ?? enc.authtime;
  if (req.from !== undefined && req.from !== 0 && req.from !== starttime) throw modified('start time');
  if (req.till !== 0 && enc.endtime > req.till) throw modified('end time later than requested');
  if (req.kdcOptions & KDC_OPT_RENEWABLE) {
    if (req.rtime !== undefined && req.rtime !== 0 && (enc.renewTill ?? 0) > req.rtime)
      throw modified('renew time');
  }
  if (req.kdcOptions & KDC_OPT_RENEWABLE_OK && enc.flags & TKT_FLG_RENEWABLE) {
    if (
      req.till !== 0 &&
      (enc.renewTill ?? 0) > 0 &&
      enc.renewTill !== undefined &&
      enc.renewTill < enc.endtime
    ) {
      throw modified('renew time before end time');
    }
  }
  if (!(req.kdcOptions & KDC_OPT_POSTDATED) && !x.timeSync && Math.abs(starttime - x.now) > x.clockskew) {
    throw krb5Error('KRB5_KDCREP_SKEW');
  }
}

/** krbtgt/R@R' (MIT IS_TGS_PRINC: two components, the first "krbtgt"). */
function isTgsName(p: Principal): boolean {
  return p.components.length === 2 && p.components[0] === 'krbtgt';
}

function modifiedName(which: string, got: Principal, want: Principal): never {
  throw modified(`${which} ${unparsePrincipal(got)}, expected ${unparsePrincipal(want)}`);
}
