/**
 * Password and account expiry in an AS reply, read as MIT's get_expiry_times (gic_pwd.c): LastReq
 * entries of type 6 / -6 (password expires, RFC 4120 5.4.2 and MS-KILE 3.3.5.6: Active Directory
 * sends them) and 7 / -7 (account expires); without them, the reply's key-expiration field.
 */
import type { EncKdcRepPart } from '../messages/kdc-rep.js';

/** RFC 4120 5.4.2 lr-type values (MIT KRB5_LRQ_*_PW_EXPTIME / _ACCT_EXPTIME). */
const LR_PW_EXPTIME = 6;
const LR_ACCT_EXPTIME = 7;

export interface ExpiryTimes {
  /** When the password expires, seconds since the epoch (absent: not announced). */
  readonly passwordExpiration?: number;
  /** When the account expires, seconds since the epoch (absent: not announced). */
  readonly accountExpiration?: number;
  /**
   * True when the times came from LastReq: the KDC wants the user warned. A time taken from
   * key-expiration is only worth a warning inside the last week, as MIT decides.
   */
  readonly fromLastReq: boolean;
}

export function expiryTimes(enc: EncKdcRepPart): ExpiryTimes {
  let passwordExpiration: number | undefined;
  let accountExpiration: number | undefined;
  let fromLastReq = false;
  for (const lr of enc.lastReq) {
    const type = Math.abs(lr.lrType);
    if (type === LR_PW_EXPTIME) {
      fromLastReq = true;
      passwordExpiration = lr.lrValue;
    } else if (type === LR_ACCT_EXPTIME) {
      fromLastReq = true;
      accountExpiration = lr.lrValue;
    }
  }
  if (!fromLastReq && enc.keyExpiration) passwordExpiration = enc.keyExpiration;
  return { passwordExpiration, accountExpiration, fromLastReq };
}

/**
 * MIT's warn_pw_expiry banner ("Warning: Your password will expire in 41 days on ..."), or
 * undefined when MIT prints nothing: no password expiry, or one from key-expiration that is
 * past or more than a week away. `ctime` formats a time as krb5_timestamp_to_string does.
 */
export function passwordExpiryWarning(
  t: ExpiryTimes,
  now: number,
  ctime: (seconds: number) => string,
): string | undefined {
  const exp = t.passwordExpiration;
  if (exp === undefined || exp === 0) return undefined;
  if (!t.fromLastReq && (exp < now || exp - now > 7 * 86400)) return undefined;
  const delta = exp - now;
  const when = ctime(exp);
  if (delta < 3600) return `Warning: Your password will expire in less than one hour on ${when}`;
  if (delta < 86400 * 2) {
    const h = Math.trunc(delta / 3600);
    return `Warning: Your password will expire in ${h} hour${delta < 7200 ? '' : 's'} on ${when}`;
  }
  return `Warning: Your password will expire in ${Math.trunc(delta / 86400)} days on ${when}`;
}
