/**
 * GSS credentials of the Kerberos mechanism (RFC 2743 2.1, MIT acquire_cred.c): an initiator
 * side (a ccache, filled on demand from a client keytab or a password) and an acceptor side (a
 * keytab, for one principal or for any key that decrypts the ticket).
 */
import { randomBytes } from '../../crypto/index.js';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_NO_CRED, GssError } from '../../errors/status.js';
import {
  type CachedCredential,
  type CcacheContents,
  type CredentialCache,
  isRemoved,
  resolveCcache,
} from '../../krb5/ccache/index.js';
import { loadKeytab } from '../../krb5/keytab/cache.js';
import {
  defaultClientKeytabName,
  defaultKeytabName,
  type Keytab,
  readKeytab,
} from '../../krb5/keytab/index.js';
import { type Principal, principalEquals, unparsePrincipal } from '../../krb5/principal.js';
import { loadProfile } from '../../krb5/profile-view.js';
import type { ReplayCache } from '../../krb5/rcache/replay-cache.js';
import { toHex } from '../../util/bytes.js';
import { nowSeconds } from '../../util/clock.js';
import { type AcceptorSide, acceptorMatcher, type InitiatorSide } from '../mech/krb5/cred-element.js';
import { getInitialTgt, getS4U2Self, isTgtFor } from '../mech/krb5/kdc-glue.js';
import { PrivateCcache } from '../mech/krb5/private-ccache.js';
import { Name } from '../names/names.js';
import { credsInternals } from './creds-internal.js';

/**
 * What credentials are for (RFC 2743 2.1.1 cred_usage; MIT's GSS_C_INITIATE, GSS_C_ACCEPT,
 * GSS_C_BOTH).
 */
export type CredentialUsage = 'initiate' | 'accept' | 'both';

/** GSS_C_INDEFINITE (RFC 2744): the lifetime of acceptor credentials. */
export const GSS_C_INDEFINITE = 0xffffffff;

/**
 * The inputs of GSS_Acquire_cred (RFC 2743 2.1.1; MIT's gss_acquire_cred and its
 * gss_acquire_cred_from store keys ccache, keytab, client_keytab, password).
 */
export interface AcquireOptions {
  /** Initiate, accept or both (default `'both'`, as MIT's GSS_C_BOTH). */
  usage?: CredentialUsage;
  /** The desired name: the client principal (initiate) or the acceptor's name (accept). */
  name?: Name;
  /** Initiator ccache name (default KRB5CCNAME, then the default ccache). */
  ccache?: string;
  /** Acceptor keytab name (default KRB5_KTNAME, then default_keytab_name). */
  keytab?: string;
  /** Client keytab for initial credentials (default KRB5_CLIENT_KTNAME). */
  clientKeytab?: string;
  /** Get initial credentials with this password into a private MEMORY ccache (needs `name`). */
  password?: string;
  /**
   * RFC 6806 canonicalization for the AS exchange (MIT kinit -C; default libdefaults
   * canonicalize): the credential takes the name the KDC answers with, e.g. an enterprise name
   * `Name.enterprise('alice@ad.example.test')` becomes `alice@AD.EXAMPLE.TEST`.
   */
  canonicalize?: boolean;
  /** Requested lifetime in seconds (advisory, as MIT). */
  lifetime?: number;
  /** The acceptor's replay cache (default: the process-wide in-memory one). */
  replayCache?: ReplayCache;
}

/**
 * A GSS credential handle (RFC 2743 1.1.1; MIT's gss_cred_id_t) for the Kerberos mechanism: an
 * initiator element (a ccache, filled on demand from a client keytab or a password) and/or an
 * acceptor element (a keytab). Made by `Credentials.acquire`; an acceptor gets delegated ones from
 * `SecurityContext.delegatedCredentials`.
 */
export class Credentials {
  /** @internal Use Credentials.acquire. */
  constructor(usage: CredentialUsage, initiator?: InitiatorSide, acceptor?: AcceptorSide) {
    credsInternals.set(this, { usage, initiator, acceptor });
  }

  /** gss_acquire_cred. Errors as MIT: GSS_S_NO_CRED with the Kerberos reason as minor code. */
  static async acquire(opts: AcquireOptions = {}): Promise<Credentials> {
    const usage = opts.usage ?? 'both';
    const initiator = usage === 'accept' ? undefined : await acquireInitiator(opts);
    const acceptor = usage === 'initiate' ? undefined : await acquireAcceptor(opts);
    return new Credentials(usage, initiator, acceptor);
  }

  /** @internal Initiator credentials holding a delegated TGT, in a private cache. */
  static async fromDelegated(tgt: CachedCredential): Promise<Credentials> {
    const ccache = new PrivateCcache(`gss-deleg-${toHex(randomBytes(8))}`);
    await ccache.initialize(tgt.client);
    await ccache.store(tgt);
    return new Credentials('initiate', {
      ccache,
      name: Name.fromPrincipal(tgt.client),
      expire: tgt.endtime,
      ownsCcache: true,
    });
  }

  /**
   * gss_acquire_cred_impersonate_name (MS-SFU, constrained delegation): initiator credentials for
   * `user`, obtained by this service's credentials without the user's password. S4U2Self gives
   * a ticket from the user to this service now; contexts to other services then get tickets by
   * S4U2Proxy, which the KDC grants only where the admin allowed this service to delegate
   * (AD: msDS-AllowedToDelegateTo, `samba-tool delegation add-service`); a refusal is a GssError
   * (GSS_S_FAILURE, KRB5KDC_ERR_BADOPTION). `user` is a principal name (or an enterprise name).
   */
  static async impersonate(service: Credentials, user: Name): Promise<Credentials> {
    const side = internals(service).initiator;
    if (!side)
      throw new GssError(GSS_S_NO_CRED, 0, 'impersonation needs initiator credentials of the service');
    const evidence = await getS4U2Self(side, user.principal);
    const ccache = new PrivateCcache(`gss-s4u-${toHex(randomBytes(8))}`);
    await ccache.initialize(evidence.client);
    await ccache.store(evidence);
    return new Credentials('initiate', {
      ccache,
      name: Name.fromPrincipal(evidence.client),
      expire: evidence.endtime,
      ownsCcache: true,
      s4u: { serviceCcache: side.ccache, evidence },
    });
  }

  /** The usage the credentials were acquired for (GSS_Inquire_cred cred_usage, RFC 2743 2.1.3). */
  get usage(): CredentialUsage {
    return internals(this).usage;
  }

  /** gss_inquire_cred name: the client principal, or the acceptor name (undefined: any key). */
  get name(): Name | undefined {
    const i = internals(this);
    return i.initiator?.name ?? i.acceptor?.name;
  }

  /**
   * When the password expires, if the KDC said so while these credentials were acquired (Active
   * Directory sends it in LastReq; MIT kinit prints it as "Warning: Your password will expire
   * ..."). Undefined when not announced, and for credentials read from an existing ccache.
   */
  get passwordExpiration(): Date | undefined {
    const t = internals(this).initiator?.passwordExpiration;
    return t === undefined ? undefined : new Date(t * 1000);
  }

  /** Seconds left (GSS_C_INDEFINITE for acceptor-only credentials), 0 when expired. */
  get lifetime(): number {
    const i = internals(this);
    if (!i.initiator) return GSS_C_INDEFINITE;
    return Math.max(0, i.initiator.expire - nowSeconds());
  }

  /**
   * gss_release_cred: private caches (password, delegated credentials) are destroyed; the handle
   * is unusable afterwards (GSS_S_NO_CRED).
   */
  async release(): Promise<void> {
    const i = internals(this);
    credsInternals.delete(this);
    if (i.initiator?.ownsCcache) await i.initiator.ccache.destroy().catch(() => undefined);
  }

  /**
   * gss_store_cred_into: writes the initiator credentials (delegated ones, typically) to a ccache,
   * initialized for their client principal, as MIT's krb5_gss_store_cred does.
   */
  async storeInto(ccacheName: string): Promise<void> {
    const init = internals(this).initiator;
    if (!init)
      throw new GssError(GSS_S_NO_CRED, MINOR.G_STORE_ACCEPTOR_CRED_NOSUPP ?? 0, 'acceptor credentials');
    const creds = (await init.ccache.list()).filter((c) => c.endtime !== 0);
    const target = resolveCcache(ccacheName);
    await target.initialize(await init.ccache.getPrincipal());
    for (const c of creds) await target.store(c);
  }
}

function internals(c: Credentials) {
  const i = credsInternals.get(c);
  if (!i) throw new GssError(GSS_S_NO_CRED, 0, 'not a credential');
  return i;
}

/** The cache's contents (one read for the principal and the list), or undefined when there is none. */
async function tryRead(cc: CredentialCache): Promise<CcacheContents | undefined> {
  try {
    return await cc.read();
  } catch (e) {
    if (e instanceof GssError && e.minor === MINOR.KRB5_FCC_NOFILE) return undefined;
    throw e;
  }
}

async function tryKeytab(name: string): Promise<Keytab | undefined> {
  try {
    const kt = await readKeytab(name);
    return kt.entries.length ? kt : undefined;
  } catch {
    return undefined;
  }
}

/** The end time of the realm's TGT in the cache, else of its first credential (scan_ccache). */
function cacheExpiry(list: readonly CachedCredential[], client: Principal): number {
  let expire = 0;
  for (const c of list) {
    if (c.server.realm === 'X-CACHECONF:') continue;
    if (isTgtFor(c.server, client.realm)) return c.endtime;
    if (expire === 0) expire = c.endtime;
  }
  return expire;
}

async function acquireInitiator(opts: AcquireOptions): Promise<InitiatorSide> {
  const noCred = (minor: number, msg: string) => new GssError(GSS_S_NO_CRED, minor, msg);
  const desired = opts.name?.principal;
  if (opts.password !== undefined) {
    if (!desired) throw noCred(MINOR.KRB5_CC_NOTFOUND, 'a password needs a name');
    const ccache = new PrivateCcache(`gss-${toHex(randomBytes(8))}`);
    const { credential: tgt, expiry } = await getInitialTgt(desired, {
      password: opts.password,
      lifetime: opts.lifetime,
      canonicalize: opts.canonicalize,
    });
    await ccache.initialize(tgt.client);
    await ccache.store(tgt);
    return {
      ccache,
      name: Name.fromPrincipal(tgt.client),
      expire: tgt.endtime,
      ownsCcache: true,
      passwordExpiration: expiry.passwordExpiration,
    };
  }
  const ccache = resolveCcache(opts.ccache);
  const clientKeytabName = opts.clientKeytab ?? defaultClientKeytabName();
  const contents = await tryRead(ccache);
  const cachePrincipal = contents?.principal;
  if (cachePrincipal) {
    if (desired && !principalEquals(desired, cachePrincipal) && !matchesHostbased(desired, cachePrincipal)) {
      // An explicit cache is checked against the name (scan_ccache); the default one is searched
      // as a collection (krb5_cc_cache_match), which has nothing else to offer.
      if (opts.ccache) {
        throw noCred(
          MINOR.KG_CCACHE_NOMATCH,
          `ccache principal ${unparsePrincipal(cachePrincipal)} does not match`,
        );
      }
      throw noCred(
        MINOR.KRB5_CC_NOTFOUND,
        `Can't find client principal ${unparsePrincipal(desired)} in cache collection`,
      );
    }
    const list = (contents as CcacheContents).credentials.filter((c) => !isRemoved(c));
    let expire = cacheExpiry(list, cachePrincipal);
    const side: InitiatorSide = {
      ccache,
      name: Name.fromPrincipal(cachePrincipal),
      expire,
      clientKeytabName,
    };
    if (expire === 0) {
      // An empty cache is usable only if a client keytab can fill it (KG_EMPTY_CCACHE otherwise).
      const kt = await tryKeytab(clientKeytabName);
      if (!kt?.entries.some((e) => principalEquals(e.principal, cachePrincipal))) {
        throw noCred(MINOR.KG_EMPTY_CCACHE, 'credentials cache is empty');
      }
      expire = await refreshFromKeytab(side, kt, opts);
    }
    return side;
  }
  // No cache: a client keytab can provide a TGT now (maybe_get_initial_cred).
  const kt = await tryKeytab(clientKeytabName);
  const entry = kt?.entries.find((e) => !desired || principalEquals(e.principal, desired));
  if (!kt || !entry) {
    // MIT: krb5_cccol_have_content -> KRB5_CC_NOTFOUND, or the cache's own KRB5_FCC_NOFILE.
    throw noCred(
      opts.ccache ? MINOR.KRB5_FCC_NOFILE : MINOR.KRB5_CC_NOTFOUND,
      `No Kerberos credentials available (${ccache.name})`,
    );
  }
  const side: InitiatorSide = {
    ccache,
    name: Name.fromPrincipal(entry.principal),
    expire: 0,
    clientKeytabName,
  };
  await refreshFromKeytab(side, kt, opts);
  return side;
}

/** Gets a TGT with the client keytab into the side's ccache (initialized for it). */
async function refreshFromKeytab(side: InitiatorSide, kt: Keytab, opts?: AcquireOptions): Promise<number> {
  const { credential: tgt, expiry } = await getInitialTgt(side.name.principal, {
    keytab: kt,
    canonicalize: opts?.canonicalize,
  });
  await side.ccache.initialize(tgt.client);
  await side.ccache.store(tgt);
  side.expire = tgt.endtime;
  side.passwordExpiration = expiry.passwordExpiration;
  return tgt.endtime;
}

function matchesHostbased(desired: Principal, have: Principal): boolean {
  return desired.realm === '' && desired.components.every((c, i) => c === have.components[i]);
}

async function acquireAcceptor(opts: AcquireOptions): Promise<AcceptorSide> {
  const keytabName =
    opts.keytab ??
    defaultKeytabName(process.env, {
      defaultKeytabName: loadProfile().values('libdefaults', 'default_keytab_name')[0],
    });
  const name = opts.name;
  let kt: Keytab | undefined;
  try {
    kt = await loadKeytab(keytabName);
  } catch (e) {
    // MIT: krb5_kt_have_content says KRB5_KT_NOTFOUND without a name; with one, the lookup's own
    // error (ENOENT for a missing file).
    if (name)
      throw new GssError(
        GSS_S_NO_CRED,
        e instanceof GssError ? e.minor : 0,
        `cannot read keytab ${keytabName}`,
      );
    kt = undefined;
  }
  if (name) {
    const match = acceptorMatcher(name);
    if (!kt?.entries.some((e) => match(e.principal))) {
      throw new GssError(GSS_S_NO_CRED, MINOR.KG_KEYTAB_NOMATCH, `No key table entry found matching ${name}`);
    }
  } else if (!kt || kt.entries.length === 0) {
    throw new GssError(GSS_S_NO_CRED, MINOR.KRB5_KT_NOTFOUND, `Keytab ${keytabName} is nonexistent or empty`);
  }
  return { keytabName, name, replayCache: opts.replayCache };
}
