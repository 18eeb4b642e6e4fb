/**
 * The embedded KDC: `startKdc({ realm, principals })` serves AS and TGS on 127.0.0.1 over UDP and
 * TCP, as MIT's krb5kdc would for a realm made with kdb5_util and kadmin (docs/kdc.md).
 */
import { writeFileSync } from 'node:fs';
import { constantTimeEqual, getProfile, parseEnctypeList, stringToKey } from '../../crypto/index.js';
import { now as clockNow } from '../../util/clock.js';
import { writeKeytab } from '../keytab/index.js';
import { NT_SRV_INST, parsePrincipal, unparsePrincipal } from '../principal.js';
import type { KdcContext } from './context.js';
import { isIncomingTrust, PrincipalDb, type PrincipalEntry } from './db.js';
import { KDC_ENCTYPES, passwordKeys, randomKeys } from './keys.js';
import { type Krb5ConfOptions, krb5ConfText } from './krb5conf.js';
import { listen } from './net.js';
import { kdcHandler } from './service.js';

/**
 * A principal of the embedded KDC's database, as `kadmin addprinc` would make it (MIT's kadmin,
 * docs/kdc.md).
 */
export interface KdcPrincipalSpec {
  /**
   * `name`, `service/host`, or with `@REALM` (which must be the KDC's realm). Cross-realm trust
   * (docs/kdc.md): `krbtgt/OTHER` lets this realm's clients into OTHER, `krbtgt/THIS@OTHER` lets
   * OTHER's clients in; both realms need the principal with the same password.
   */
  readonly name: string;
  /** A password principal (keys by string-to-key); without it, random keys (a service). */
  readonly password?: string;
  /** MIT's +requires_preauth; default true for password principals, false for random-key ones. */
  readonly requiresPreauth?: boolean;
  /** Key enctypes by number or MIT name; default the four AES enctypes. */
  readonly enctypes?: readonly (number | string)[];
  /**
   * Whether tickets for this principal may be forwardable (default true; MIT's -allow_forwardable
   * clears it).
   */
  readonly allowForwardable?: boolean;
  /**
   * Whether tickets for this principal may be renewable (default true; MIT's -allow_renewable
   * clears it).
   */
  readonly allowRenewable?: boolean;
  /** Seconds; 0 (default) leaves the realm's limit. */
  readonly maxLife?: number;
  /** Seconds; 0 (default) leaves the realm's renewable limit (MIT's -maxrenewlife). */
  readonly maxRenewableLife?: number;
}

/**
 * The realm and settings of an embedded KDC: what MIT keeps in kdc.conf and the database made with
 * kdb5_util and kadmin.
 */
export interface StartKdcOptions {
  /** The realm served, e.g. `EXAMPLE.COM`; its krbtgt principal is made when missing. */
  readonly realm: string;
  /**
   * Principals to add at start-up; ones already in a loaded `db` keep their keys unless the
   * password changed.
   */
  readonly principals?: readonly KdcPrincipalSpec[];
  /** 0 (default): any free port, reported as `port`. */
  readonly port?: number;
  /** A database file: loaded when it exists, rewritten (atomically, mode 0600) on every change. */
  readonly db?: string;
  /** MIT kdc.conf max_life (default 24 h) and max_renewable_life (default 7 d), in seconds. */
  readonly maxLife?: number;
  /** MIT kdc.conf max_renewable_life for the realm, in seconds (default 7 d). */
  readonly maxRenewableLife?: number;
  /** Allowed clock skew in seconds (MIT clockskew, default 300). */
  readonly clockSkew?: number;
  /** Shifts this KDC's clock (ms), e.g. to make clients see KRB_AP_ERR_SKEW. */
  readonly clockOffsetMs?: number;
  /** Session key enctypes the KDC permits (MIT permitted_enctypes); default the four AES. */
  readonly permittedEnctypes?: readonly (number | string)[];
  /**
   * Client referrals (RFC 6806 section 4; AD answers so for a user of another domain): a client
   * name (`bob`, or an enterprise name `bob@partner.test`) absent here, mapped to the realm that
   * holds it. An AS-REQ with canonicalize (or an enterprise name) for it gets
   * KDC_ERR_WRONG_REALM with crealm that realm, as MIT's do_as_req sends for an out-of-realm
   * client entry.
   */
  readonly clientReferrals?: Readonly<Record<string, string>>;
  /** MIT kdc_max_dgram_reply_size (default 65536): larger UDP replies become RESPONSE_TOO_BIG. */
  readonly maxDgramReplySize?: number;
  /** Receives one line per request (client, server, result); never key material. */
  readonly log?: (line: string) => void;
}

/**
 * A running embedded KDC (the handle `startKdc` returns), listening on 127.0.0.1 over UDP and TCP.
 */
export interface Kdc {
  /** The realm served. */
  readonly realm: string;
  /** The port listened on (UDP and TCP), the one asked for or a free one. */
  readonly port: number;
  /** A krb5.conf for this KDC: 127.0.0.1:port, no DNS, [domain_realm] localhost = realm. */
  readonly krb5Conf: string;
  /** The same text with extra [libdefaults] lines. */
  krb5ConfText(opts?: Krb5ConfOptions): string;
  /** Writes `krb5ConfText(opts)` to `path`, for KRB5_CONFIG. */
  writeKrb5Conf(path: string, opts?: Krb5ConfOptions): void;
  /** Writes the named principals' keys (all enctypes, current kvno) to a keytab, mode 0600. */
  exportKeytab(principalNames: readonly string[], path: string): Promise<void>;
  /** Adds a principal, or replaces one with new keys at the next kvno (MIT's addprinc, cpw). */
  addPrincipal(spec: KdcPrincipalSpec): void;
  /** Full names (with realm) of every principal, krbtgt included. */
  principalNames(): string[];
  /** Shifts the KDC's clock by `ms` milliseconds from now on (tests of clock skew). */
  setClockOffset(ms: number): void;
  /** Closes the sockets; resolves when they are closed. Calling it again does nothing. */
  stop(): Promise<void>;
}

const DAY = 24 * 3600;

/**
 * Starts an embedded KDC (RFC 4120 AS and TGS exchanges) on 127.0.0.1 for `opts.realm`, as MIT's
 * krb5kdc serves a realm made with kdb5_util (docs/kdc.md). Used by `gss kdc` and `gss demo`; MIT's
 * and Heimdal's clients work against it.
 */
export async function startKdc(opts: StartKdcOptions): Promise<Kdc> {
  const realm = opts.realm;
  if (!realm || /[\s/@\\]/.test(realm)) throw new Error(`bad realm name '${realm}'`);
  const db = new PrincipalDb(realm, opts.db);
  db.load();
  let clockOffsetMs = opts.clockOffsetMs ?? 0;
  const tgsPrincipal = parsePrincipal(`krbtgt/${realm}@${realm}`, realm, NT_SRV_INST);
  const permitted = enctypeList(opts.permittedEnctypes) ?? KDC_ENCTYPES;
  const ctx: KdcContext = {
    realm,
    db,
    policy: {
      maxLife: opts.maxLife ?? DAY,
      maxRenewableLife: opts.maxRenewableLife ?? 7 * DAY,
      clockSkew: opts.clockSkew ?? 300,
    },
    permitted,
    tgsPrincipal,
    clientReferrals: opts.clientReferrals ?? {},
    nowSeconds: () => Math.floor((clockNow() + clockOffsetMs) / 1000),
    nowMicros: () => Math.floor(((clockNow() + clockOffsetMs) % 1000) * 1000),
  };
  const addPrincipal = (spec: KdcPrincipalSpec): void => {
    db.put(makeEntry(realm, spec, db.getByName(spec.name)));
  };
  if (!db.get(tgsPrincipal)) addPrincipal({ name: `krbtgt/${realm}` });
  // Principals already in a loaded database keep their keys (and kvno), so keytabs exported
  // earlier stay valid; a password that changed gives new keys.
  for (const p of opts.principals ?? []) {
    const old = db.getByName(p.name);
    if (!old || (p.password !== undefined && !samePassword(old, p.password))) addPrincipal(p);
  }

  const listener = await listen(
    kdcHandler(ctx, { maxDgramReplySize: opts.maxDgramReplySize, log: opts.log }),
    {
      port: opts.port ?? 0,
    },
  );
  const port = listener.port;
  let stopped = false;
  return {
    realm,
    port,
    krb5Conf: krb5ConfText(realm, port),
    krb5ConfText: (o) => krb5ConfText(realm, port, o),
    writeKrb5Conf: (path, o) => writeFileSync(path, krb5ConfText(realm, port, o)),
    exportKeytab: async (names, path) => {
      const timestamp = Math.floor(clockNow() / 1000);
      const entries = names.flatMap((n) => {
        const e = db.getByName(n);
        if (!e) throw new Error(`no principal '${n}' in realm ${realm}`);
        return currentKeys(e).map((k) => ({
          principal: e.principal,
          timestamp,
          kvno: k.kvno,
          key: { enctype: k.enctype, keyvalue: k.keyvalue },
        }));
      });
      await writeKeytab(path.includes(':') ? path : `FILE:${path}`, entries);
    },
    addPrincipal,
    principalNames: () => db.list().map((e) => e.name),
    setClockOffset: (ms) => {
      clockOffsetMs = ms;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await listener.close();
    },
  };
}

function samePassword(e: PrincipalEntry, password: string): boolean {
  const k = currentKeys(e)[0];
  return k !== undefined && constantTimeEqual(stringToKey(k.enctype, password, k.salt).keyvalue, k.keyvalue);
}

function currentKeys(e: PrincipalEntry): PrincipalEntry['keys'] {
  const kvno = Math.max(...e.keys.map((k) => k.kvno));
  return e.keys.filter((k) => k.kvno === kvno);
}

function enctypeList(list: readonly (number | string)[] | undefined): number[] | undefined {
  if (!list) return undefined;
  return list.flatMap((e) => (typeof e === 'number' ? [getProfile(e).enctype] : parseEnctypeList(e)));
}

/** A new entry, or a replacement with the next kvno (as kadmin's cpw / ktadd do). */
function makeEntry(realm: string, spec: KdcPrincipalSpec, old: PrincipalEntry | undefined): PrincipalEntry {
  const isTgs = /^krbtgt\//.test(spec.name);
  const principal = parsePrincipal(spec.name, realm, isTgs ? NT_SRV_INST : undefined);
  if (principal.realm !== realm && !isIncomingTrust(principal, realm))
    throw new Error(`principal '${spec.name}' is not in realm ${realm}`);
  const kvno = old ? Math.max(...old.keys.map((k) => k.kvno)) + 1 : 1;
  const enctypes = enctypeList(spec.enctypes) ?? KDC_ENCTYPES;
  const keys =
    spec.password !== undefined
      ? passwordKeys(principal, spec.password, kvno, enctypes)
      : randomKeys(principal, kvno, enctypes);
  return {
    principal,
    name: unparsePrincipal(principal),
    keys,
    requiresPreauth: spec.requiresPreauth ?? spec.password !== undefined,
    allowForwardable: spec.allowForwardable ?? true,
    allowRenewable: spec.allowRenewable ?? true,
    maxLife: spec.maxLife ?? 0,
    maxRenewableLife: spec.maxRenewableLife ?? 0,
  };
}

export type { Krb5ConfOptions } from './krb5conf.js';
