/**
 * principalDetails of the `kerberos` addon (kerberos_gss.cc server_principal_details): the first
 * entry of the default keytab whose unparsed name starts with "service/hostname@".
 */
import { GSS_S_FAILURE, GssError } from '../errors/status.js';
import { defaultKeytabName, readKeytab } from '../krb5/keytab/index.js';
import { unparsePrincipal } from '../krb5/principal.js';
import { loadProfile } from '../krb5/profile-view.js';
import { krb5CodeError } from './status.js';

/**
 * principalDetails of npm `kerberos` (server_principal_details in its kerberos_gss.cc): the full
 * name of the first entry of the default keytab (KRB5_KTNAME) that starts with `service/hostname@`.
 */
export async function principalDetails(service: string, hostname: string): Promise<string> {
  if (typeof service !== 'string') throw new TypeError('parameter `service` must be a string.');
  if (typeof hostname !== 'string') throw new TypeError('parameter `hostname` must be a string.');
  const prefix = `${service}/${hostname}@`;
  // krb5_kt_default: KRB5_KTNAME, then default_keytab_name, then FILE:/etc/krb5.keytab.
  const name = defaultKeytabName(process.env, {
    defaultKeytabName: loadProfile().values('libdefaults', 'default_keytab_name')[0],
  });
  let entries: Awaited<ReturnType<typeof readKeytab>>['entries'];
  try {
    entries = (await readKeytab(name)).entries;
  } catch (e) {
    throw krb5CodeError('Cannot get sequence cursor from keytab', e);
  }
  let found: string | undefined;
  for (const entry of entries) {
    const text = unparsePrincipal(entry.principal);
    if (found === undefined && text.startsWith(prefix)) found = text;
    entry.key.keyvalue.fill(0); // only names are wanted here
  }
  if (found === undefined) {
    throw krb5CodeError('Principal not found in keytab', new GssError(GSS_S_FAILURE, -1 >>> 0));
  }
  return found;
}
