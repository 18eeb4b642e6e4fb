/**
 * Credential caches by name: `FILE:path` (or a plain path) and `MEMORY:name`, resolved as
 * krb5_cc_resolve does, with KRB5CCNAME as krb5_cc_default_name reads it. FILE writes replace the
 * file atomically (temp file, mode 0600, rename); MEMORY caches live in this process.
 */
import { readFile, unlink } from 'node:fs/promises';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GSS_S_NO_CRED, GssError } from '../../errors/status.js';
import { FileStamp } from '../../util/file-stamp.js';
import { expandPathTokens, ioError, writeFileAtomic } from '../config/files.js';
import type { Principal } from '../principal.js';
import {
  type CachedCredential,
  type CcacheContents,
  encodeCcache,
  isRemoved,
  parseCcache,
  type TimeOffset,
  timeOffsetTag,
} from './format.js';
import { getConfig, type RetrieveOptions, selectCredential, setConfig } from './match.js';

/** MIT's compiled-in DEFCCNAME. */
export const DEFAULT_CCACHE_NAME = 'FILE:/tmp/krb5cc_%{uid}';

export interface InitializeOptions {
  /** Written as the version 4 header's KDC time offset (tag 1), as MIT kinit does. */
  readonly kdcTimeOffset?: TimeOffset;
}

export interface CredentialCache {
  readonly type: 'FILE' | 'MEMORY';
  /** The full name, `FILE:/path` or `MEMORY:name`. */
  readonly name: string;
  /** Empties the cache and sets its default principal (krb5_cc_initialize). */
  initialize(principal: Principal, opts?: InitializeOptions): Promise<void>;
  /** Everything in the cache. KRB5_FCC_NOFILE when there is no cache. */
  read(): Promise<CcacheContents>;
  getPrincipal(): Promise<Principal>;
  /** Appends a credential, as MIT's FILE and MEMORY caches do (nothing is replaced). */
  store(cred: CachedCredential): Promise<void>;
  /** The credentials MIT's cursor returns: all but removed ones, config entries included. */
  list(): Promise<CachedCredential[]>;
  retrieve(server: Principal, opts?: RetrieveOptions): Promise<CachedCredential>;
  getConfig(key: string, principal?: Principal): Promise<Uint8Array | undefined>;
  setConfig(key: string, value: Uint8Array | undefined, principal?: Principal): Promise<void>;
  destroy(): Promise<void>;
}

function noCache(name: string): GssError {
  return new GssError(GSS_S_NO_CRED, MINOR.KRB5_FCC_NOFILE, `No credentials cache found (${name})`);
}

abstract class BaseCache implements CredentialCache {
  abstract readonly type: 'FILE' | 'MEMORY';
  abstract readonly name: string;
  abstract read(): Promise<CcacheContents>;
  protected abstract write(cc: CcacheContents): Promise<void>;
  abstract destroy(): Promise<void>;

  async initialize(principal: Principal, opts: InitializeOptions = {}): Promise<void> {
    const headerTags = opts.kdcTimeOffset ? [timeOffsetTag(opts.kdcTimeOffset)] : [];
    await this.write({ version: 4, headerTags, principal, credentials: [] });
  }
  async getPrincipal(): Promise<Principal> {
    return (await this.read()).principal;
  }
  async store(cred: CachedCredential): Promise<void> {
    const cc = await this.read();
    await this.write({ ...cc, credentials: [...cc.credentials, cred] });
  }
  async list(): Promise<CachedCredential[]> {
    return (await this.read()).credentials.filter((c) => !isRemoved(c));
  }
  async retrieve(server: Principal, opts?: RetrieveOptions): Promise<CachedCredential> {
    return selectCredential((await this.read()).credentials, server, opts);
  }
  async getConfig(key: string, principal?: Principal): Promise<Uint8Array | undefined> {
    return getConfig(await this.read(), key, principal);
  }
  async setConfig(key: string, value: Uint8Array | undefined, principal?: Principal): Promise<void> {
    await this.write(setConfig(await this.read(), key, value, principal));
  }
}

interface ParsedFile {
  readonly stamp: FileStamp;
  /** Bumped at each change seen, so that a read begun before a later change is not kept. */
  generation: number;
  contents: CcacheContents | undefined;
}

/**
 * Most recently read first out: each entry holds a descriptor open (file-stamp.ts), and a server
 * that writes one FILE cache per delegating user would otherwise keep one per user forever.
 */
const parsedFiles = new Map<string, ParsedFile>();
export const PARSED_CCACHE_LIMIT = 32;

function parsedFile(path: string): ParsedFile {
  let e = parsedFiles.get(path);
  if (e) {
    parsedFiles.delete(path); // re-inserted below: Map order is the recency order
  } else {
    e = { stamp: new FileStamp(path), generation: 0, contents: undefined };
    if (parsedFiles.size >= PARSED_CCACHE_LIMIT) {
      const [oldest, old] = parsedFiles.entries().next().value as [string, ParsedFile];
      old.stamp.close();
      parsedFiles.delete(oldest);
    }
  }
  parsedFiles.set(path, e);
  return e;
}

function withOwnKeys(cc: CcacheContents): CcacheContents {
  return {
    ...cc,
    credentials: cc.credentials.map((c) => ({
      ...c,
      key: { enctype: c.key.enctype, keyvalue: c.key.keyvalue.slice() },
    })),
  };
}

class FileCache extends BaseCache {
  readonly type = 'FILE';
  readonly name: string;
  constructor(readonly path: string) {
    super();
    this.name = `FILE:${path}`;
  }
  /**
   * The parsed file, kept while it is unchanged (one fstat per read, util/file-stamp.ts): a
   * client reads its cache two or three times per context, and parsing dominated
   * initializeClient + step in bench/kerberos.ts. Callers get their own copies of the keys (a
   * deleted context wipes its session key, which came from here).
   */
  async read(): Promise<CcacheContents> {
    const e = parsedFile(this.path);
    if (e.stamp.changed()) {
      e.generation++;
      e.contents = undefined;
    } else if (e.contents && e.stamp.present) {
      return withOwnKeys(e.contents);
    }
    const generation = e.generation;
    const contents = await this.#readFile();
    // Kept only for a file that exists and did not change again while it was read.
    if (e.stamp.present && e.generation === generation) e.contents = contents;
    return withOwnKeys(contents);
  }
  async #readFile(): Promise<CcacheContents> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw noCache(this.name);
      throw ioError(e, `Credentials cache file '${this.path}'`, GSS_S_NO_CRED);
    }
    try {
      return parseCcache(bytes);
    } finally {
      bytes.fill(0);
    }
  }
  protected async write(cc: CcacheContents): Promise<void> {
    const bytes = encodeCcache(cc);
    try {
      await writeFileAtomic(this.path, bytes);
    } catch (e) {
      throw ioError(e, `writing credentials cache '${this.path}'`);
    } finally {
      bytes.fill(0);
    }
  }
  async destroy(): Promise<void> {
    try {
      await unlink(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw noCache(this.name);
      throw ioError(e, `destroying credentials cache '${this.path}'`);
    }
  }
}

const memoryCaches = new Map<string, CcacheContents>();

class MemoryCache extends BaseCache {
  readonly type = 'MEMORY';
  readonly name: string;
  constructor(readonly residual: string) {
    super();
    this.name = `MEMORY:${residual}`;
  }
  async read(): Promise<CcacheContents> {
    const cc = memoryCaches.get(this.residual);
    if (!cc) throw noCache(this.name);
    return cc;
  }
  protected async write(cc: CcacheContents): Promise<void> {
    memoryCaches.set(
      this.residual,
      Object.freeze({ ...cc, credentials: Object.freeze([...cc.credentials]) }),
    );
  }
  async destroy(): Promise<void> {
    if (!memoryCaches.delete(this.residual)) throw noCache(this.name);
  }
}

/** What krb5.conf says, when the caller has it: [libdefaults] default_ccache_name. */
export interface CcacheDefaults {
  readonly defaultCcacheName?: string;
}

/**
 * krb5_cc_default_name: KRB5CCNAME as it is, else default_ccache_name, else
 * FILE:/tmp/krb5cc_%{uid}, both with MIT's path tokens expanded.
 */
export function defaultCcacheName(env: NodeJS.ProcessEnv = process.env, conf: CcacheDefaults = {}): string {
  if (env.KRB5CCNAME) return env.KRB5CCNAME;
  return expandPathTokens(conf.defaultCcacheName || DEFAULT_CCACHE_NAME, env);
}

const UNSUPPORTED = new Set(['DIR', 'KEYRING', 'KCM', 'API', 'MSLSA']);

/**
 * The cache a name denotes (krb5_cc_resolve): `TYPE:residual`, or a plain path (FILE). A
 * one-letter prefix is a drive letter. DIR:, KEYRING:, KCM: and other types are GssError
 * KRB5_CC_UNKNOWN_TYPE: this library has no such cache types.
 */
export function resolveCcache(
  name?: string,
  env: NodeJS.ProcessEnv = process.env,
  conf?: CcacheDefaults,
): CredentialCache {
  const full = name ?? defaultCcacheName(env, conf);
  const colon = full.indexOf(':');
  if (colon <= 1) {
    if (full === '') throw new GssError(GSS_S_FAILURE, MINOR.KRB5_CC_BADNAME, 'empty credentials cache name');
    return new FileCache(full);
  }
  const type = full.slice(0, colon);
  const residual = full.slice(colon + 1);
  if (type === 'FILE') {
    if (residual === '')
      throw new GssError(GSS_S_FAILURE, MINOR.KRB5_CC_BADNAME, `bad credentials cache name '${full}'`);
    return new FileCache(residual);
  }
  if (type === 'MEMORY') return new MemoryCache(residual);
  const why = UNSUPPORTED.has(type)
    ? `credential cache type ${type}: is not supported by gssapi-ts (use FILE: or MEMORY:)`
    : `Unknown credential cache type '${type}'`;
  throw new GssError(GSS_S_FAILURE, MINOR.KRB5_CC_UNKNOWN_TYPE, `${why} (${full})`);
}
