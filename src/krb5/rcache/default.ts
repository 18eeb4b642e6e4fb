/**
 * Which replay cache an acceptor uses when its credential names none. MIT resolves a name
 * (rc_base.c k5_rc_default): KRB5RCACHENAME, else KRB5RCACHETYPE with an empty residual, else
 * [libdefaults] default_rcache_name (path tokens expanded), else "dfl:". We follow the same
 * order, with one difference: when none of the three is set, the cache is in memory (one per
 * process), not MIT's dfl file, so that an acceptor writes no file unless asked to. Types, as
 * MIT's: "dfl:" (MIT's default file, ./file.ts), "file2:PATH", "none:" (no replay detection).
 */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
import { expandPathTokens } from '../config/files.js';
import { loadProfile, type ProfileView } from '../profile-view.js';
import { FileReplayCache } from './file.js';
import { MemoryReplayCache } from './memory.js';
import type { ReplayCache } from './replay-cache.js';

/** MIT's RCTMPDIR as Debian and most Unix builds configure it. */
const RCTMPDIR = '/var/tmp';

/** rc_dfl.c: KRB5RCACHEDIR, else TMPDIR, else /var/tmp; the file krb5_EUID.rcache2. */
export function dflPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.KRB5RCACHEDIR ?? env.TMPDIR ?? RCTMPDIR;
  return `${dir}/krb5_${process.geteuid?.() ?? 0}.rcache2`;
}

/** rc_none.c: every authenticator is new. */
const noneCache: ReplayCache = { checkAndStore: () => true };

/** k5_rc_resolve: "TYPE:RESIDUAL", types in lowercase. */
export function resolveReplayCache(name: string, env: NodeJS.ProcessEnv = process.env): ReplayCache {
  const sep = name.indexOf(':');
  if (sep < 0)
    throw new GssError(GSS_S_FAILURE, MINOR.KRB5_RC_PARSE, `replay cache name '${name}' has no type`);
  const type = name.slice(0, sep);
  const residual = name.slice(sep + 1);
  switch (type) {
    case 'dfl':
      return new FileReplayCache(dflPath(env), { dfl: true });
    case 'file2':
      return new FileReplayCache(residual);
    case 'none':
      return noneCache;
    default:
      throw new GssError(
        GSS_S_FAILURE,
        MINOR.KRB5_RC_TYPE_NOTFOUND,
        `Replay cache type '${type}' is unknown`,
      );
  }
}

/** The configured name, or undefined when nothing names one (then: memory). */
function configuredName(env: NodeJS.ProcessEnv, profile: ProfileView | undefined): string | undefined {
  if (env.KRB5RCACHENAME !== undefined) return env.KRB5RCACHENAME;
  if (env.KRB5RCACHETYPE !== undefined) return `${env.KRB5RCACHETYPE}:`;
  const conf = (profile ?? loadProfile()).values('libdefaults', 'default_rcache_name')[0];
  return conf === undefined ? undefined : expandPathTokens(conf, env);
}

let installed: ReplayCache | undefined;
let memory: MemoryReplayCache | undefined;
// The cache for a configured name, kept while the name (and for dfl, the directory) stays.
let named: { key: string; cache: ReplayCache } | undefined;

/**
 * The cache acceptors use unless their credential has one (MIT: one rcache per process).
 * `profile`: the krb5.conf view the caller loaded for this same call (an accept), so that the
 * files are not checked twice.
 */
export function defaultReplayCache(profile?: ProfileView): ReplayCache {
  if (installed) return installed;
  const env = process.env;
  const name = configuredName(env, profile);
  if (name === undefined) {
    memory ??= new MemoryReplayCache();
    return memory;
  }
  const key = name.startsWith('dfl:') ? `dfl:${dflPath(env)}` : name;
  if (named?.key !== key) {
    if (named?.cache instanceof FileReplayCache) named.cache.close();
    named = { key, cache: resolveReplayCache(name, env) };
  }
  return named.cache;
}

/** Installs the process-wide cache (e.g. a `RedisReplayCache` shared by a fleet), over any name. */
export function setDefaultReplayCache(cache: ReplayCache): void {
  installed = cache;
}
