/**
 * The GSS layer's use of the KDC client: initial TGTs (client keytab, password), service
 * tickets from the ccache or through the TGS exchange (stored back into the ccache, as MIT's
 * krb5_get_credentials does), and forwarded TGTs for delegation.
 */
import type { CachedCredential } from '../krb5/ccache/index.js';
import { getInitialCredentials } from '../krb5/kdc-client/as.js';
import { type KdcClientSettings, settingsFromProfile } from '../krb5/kdc-client/settings.js';
import type { Keytab } from '../krb5/keytab/index.js';
import { NT_SRV_INST, type Principal, principalEquals } from '../krb5/principal.js';
import { nowSeconds } from '../util/clock.js';
import type { InitiatorSide } from './creds-internal.js';
import { MINOR } from './minor.js';
import { loadProfile } from './profile-view.js';
import { GSS_S_NO_CRED, GssError } from './status.js';

export function kdcSettings(): KdcClientSettings {
  return settingsFromProfile(loadProfile().values);
}

export function isTgtFor(server: Principal, realm: string): boolean {
  return (
    server.components.length === 2 &&
    server.components[0] === 'krbtgt' &&
    server.components[1] === realm &&
    server.realm === realm
  );
}

export function tgtPrincipal(realm: string): Principal {
  return { nameType: NT_SRV_INST, components: ['krbtgt', realm], realm };
}

export async function getInitialTgt(
  client: Principal,
  how: { password?: string; keytab?: Keytab; lifetime?: number },
): Promise<CachedCredential> {
  const r = await getInitialCredentials({
    client,
    password: how.password,
    keytab: how.keytab,
    settings: kdcSettings(),
    lifetime: how.lifetime,
  });
  return r.credential;
}

/**
 * A service ticket for `server` (realm '' means the client's realm, MIT's referral realm for
 * host-based names): a cached one still valid, with a permitted enctype, else from the KDC.
 */
export async function getServiceCredential(
  side: InitiatorSide,
  server: Principal,
): Promise<CachedCredential> {
  const client = side.name.principal;
  const target: Principal = server.realm === '' ? { ...server, realm: client.realm } : server;
  const now = nowSeconds();
  const permitted = kdcSettings().permittedEnctypes;
  const cached = (await side.ccache.list()).find(
    (c) =>
      principalEquals(c.server, target) &&
      principalEquals(c.client, client) &&
      c.endtime > now &&
      !c.isSkey &&
      permitted.includes(c.key.enctype),
  );
  if (cached) return cached;
  throw new GssError(GSS_S_NO_CRED, MINOR.KRB5_CC_NOTFOUND, 'no service ticket (TGS not available yet)');
}

/** A forwarded TGT for delegation to `server` (MIT krb5_fwd_tgt_creds). */
export async function getForwardedTgt(side: InitiatorSide, _server: Principal): Promise<CachedCredential> {
  throw new GssError(GSS_S_NO_CRED, MINOR.KRB5_CC_NOTFOUND, `no forwarded TGT for ${side.name}`);
}
