/**
 * checkPassword of the `kerberos` addon (kerberos_gss.cc authenticate_user_krb5pwd): an AS
 * exchange with the password (krb5_get_init_creds_password for the TGS), nothing kept. As in the
 * addon, `service` is parsed and then unused: the KDC's answer is not verified against a service
 * key, so this is open to KDC spoofing and, as the addon says, for testing only.
 */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { getInitialTgt } from '../gssapi/mech/krb5/kdc-glue.js';
import { type Principal, parsePrincipal } from '../krb5/principal.js';
import { loadProfile } from '../krb5/profile-view.js';
import { krb5CodeError } from './status.js';

function parse(text: string): Principal {
  try {
    return parsePrincipal(text, loadProfile().defaultRealm);
  } catch (e) {
    throw krb5CodeError(undefined, e);
  }
}

/**
 * checkPassword of npm `kerberos` (its kerberos_gss.cc authenticate_user_krb5pwd): resolves to null
 * when the KDC grants `username` a TGT for `password` (an AS exchange, RFC 4120 3.1, as MIT's
 * krb5_get_init_creds_password); nothing is kept. As in the addon, `service` is checked but unused
 * and the reply is not verified against a service key: for testing only.
 */
export async function checkPassword(
  username: string,
  password: string,
  service: string,
  defaultRealm?: string,
): Promise<null> {
  if (typeof username !== 'string') throw new TypeError('parameter `username` must be a string.');
  if (typeof password !== 'string') throw new TypeError('parameter `password` must be a string.');
  if (typeof service !== 'string') throw new TypeError('parameter `service` must be a string.');
  if (defaultRealm && typeof defaultRealm !== 'string')
    throw new TypeError('if specified, parameter `defaultRealm` must be a string.');
  parse(service);
  // The addon formats "%s@%s" with the realm argument as N-API turned it into a string: a
  // missing realm becomes "undefined", so a bare user name then fails to find that realm's KDC.
  const client = parse(username.includes('@') ? username : `${username}@${String(defaultRealm)}`);
  try {
    const { credential: tgt } = await getInitialTgt(client, { password });
    tgt.key.keyvalue.fill(0);
    return null;
  } catch (e) {
    throw krb5CodeError(undefined, e instanceof GssError ? e : new GssError(GSS_S_FAILURE, 0, String(e)));
  }
}
