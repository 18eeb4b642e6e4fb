/**
 * The GSS layer's use of the KDC client: initial TGTs (client keytab, password), service
 * tickets from the ccache or through the TGS exchange (stored back into the ccache, as MIT's
 * krb5_get_credentials does), and forwarded TGTs for delegation.
 */
import { statSync } from 'node:fs';
import type { CachedCredential, CredentialCache } from '../../../krb5/ccache/index.js';
import { getInitialCredentials } from '../../../krb5/kdc-client/as.js';
import type { ExpiryTimes } from '../../../krb5/kdc-client/expiry.js';
import { getS4U2ProxyTicket, getS4U2SelfTicket } from '../../../krb5/kdc-client/s4u.js';
import type { KdcClientSettings } from '../../../krb5/kdc-client/settings.js';
import { getForwardedTgt as fetchForwardedTgt, getServiceCredentials } from '../../../krb5/kdc-client/tgs.js';
import { type Keytab, readKeytab } from '../../../krb5/keytab/index.js';
import { NT_SRV_INST, type Principal, principalEquals } from '../../../krb5/principal.js';
import { loadProfile, type ProfileView } from '../../../krb5/profile-view.js';
import { nowSeconds } from '../../../util/clock.js';
import type { InitiatorSide } from './cred-element.js';

export function kdcSettings(): KdcClientSettings {
  return loadProfile().kdcSettings;
}

export function isTgtFor(server: Principal, realm: string): boolean {
  return (
    server.components.length === 2 &&
    server.components[0] === 'krbtgt' &&
    server.components[1] === realm &&
    server.realm === realm
  );
}

function tgtPrincipal(realm: string): Principal {
  return { nameType: NT_SRV_INST, components: ['krbtgt', realm], realm };
}

/** A TGT by the AS exchange, with the password expiry the KDC announced (AD's LastReq). */
export async function getInitialTgt(
  client: Principal,
  how: { password?: string; keytab?: Keytab; lifetime?: number; canonicalize?: boolean },
): Promise<{ credential: CachedCredential; expiry: ExpiryTimes }> {
  const r = await getInitialCredentials({
    client,
    password: how.password,
    keytab: how.keytab,
    settings: kdcSettings(),
    lifetime: how.lifetime,
    canonicalize: how.canonicalize,
  });
  return { credential: r.credential, expiry: r.expiry };
}

/**
 * A service ticket for `server` (realm '' means the client's realm, MIT's referral realm for
 * host-based names): a cached one still valid, with a permitted enctype, else from the KDC.
 */
export async function getServiceCredential(
  side: InitiatorSide,
  server: Principal,
  view: ProfileView = loadProfile(),
): Promise<CachedCredential> {
  const client = side.name.principal;
  const target: Principal = server.realm === '' ? { ...server, realm: client.realm } : server;
  const settings = view.kdcSettings;
  // krb5_get_credentials with KRB5_TC_SUPPORTED_KTYPES: the best default_tgs_enctypes match.
  const wanted = view.defaultTgsEnctypes;
  const now = nowSeconds();
  const usable = (await listCached(side.ccache)).filter(
    (c) =>
      principalEquals(c.server, target) &&
      principalEquals(c.client, client) &&
      c.endtime > now &&
      !c.isSkey &&
      wanted.includes(c.key.enctype),
  );
  usable.sort((a, b) => wanted.indexOf(a.key.enctype) - wanted.indexOf(b.key.enctype));
  const cached = usable[0];
  if (cached) return cached;
  if (side.s4u) {
    // An impersonated user (MS-SFU): the service asks for the user's ticket with its own TGT.
    const cred = await getS4U2ProxyTicket({
      ccache: side.s4u.serviceCcache,
      settings,
      evidence: side.s4u.evidence,
      target,
    });
    await side.ccache.store(cred);
    return cred;
  }
  await ensureTgt(side);
  return getServiceCredentials({ ccache: side.ccache, server: target, settings, cached: false });
}

const listCache = new Map<string, { stamp: string; list: CachedCredential[] }>();

/**
 * The credentials of a cache, for lookups: a FILE cache is parsed again only when the file
 * changed (our writes replace it by rename, so its inode changes), as a stat costs far less than
 * a read and parse per context.
 */
async function listCached(cc: CredentialCache): Promise<CachedCredential[]> {
  if (cc.type !== 'FILE') return cc.list();
  const path = cc.name.slice('FILE:'.length);
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return cc.list();
  }
  const hit = listCache.get(path);
  if (hit?.stamp === stamp) return hit.list;
  const list = await cc.list();
  listCache.set(path, { stamp, list });
  return list;
}

/** Gets a TGT with the client keytab when the cache has no valid one (MIT's refresh). */
async function ensureTgt(side: InitiatorSide): Promise<void> {
  const client = side.name.principal;
  const tgtName = tgtPrincipal(client.realm);
  const now = nowSeconds();
  let list: CachedCredential[] = [];
  try {
    list = await side.ccache.list();
  } catch {
    // no cache yet
  }
  if (list.some((c) => principalEquals(c.server, tgtName) && c.endtime > now)) return;
  if (!side.clientKeytabName) return;
  let kt: Keytab;
  try {
    kt = await readKeytab(side.clientKeytabName);
  } catch {
    return;
  }
  if (!kt.entries.some((e) => principalEquals(e.principal, client))) return;
  const { credential: tgt } = await getInitialTgt(client, { keytab: kt });
  await side.ccache.initialize(tgt.client);
  await side.ccache.store(tgt);
  side.expire = tgt.endtime;
}

/** A forwarded TGT for delegation (MIT krb5_fwd_tgt_creds), forwardable as the TGT allows. */
export async function getForwardedTgt(side: InitiatorSide): Promise<CachedCredential> {
  const settings = kdcSettings();
  // make_gss_checksum calls krb5_fwd_tgt_creds with forwardable = 1.
  return fetchForwardedTgt({ ccache: side.ccache, settings, forwardable: true });
}

/**
 * S4U2Self for `user` with the service's TGT (its ccache, filled from its client keytab when
 * empty, as for any initiator): the evidence ticket, user -> service.
 */
export async function getS4U2Self(service: InitiatorSide, user: Principal): Promise<CachedCredential> {
  await ensureTgt(service);
  return getS4U2SelfTicket({ ccache: service.ccache, settings: kdcSettings(), user });
}
