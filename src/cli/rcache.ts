/**
 * `gss server --rcache NAME`: the replay cache the listener's acceptor uses. NAME is one of
 * MIT's replay cache names (KRB5RCACHENAME's syntax, resolved as MIT's k5_rc_resolve: `dfl:`,
 * `file2:PATH`, `none:`) or a Redis URL (`redis://HOST:PORT/DB`, `rediss://...`) for a replay
 * cache shared by a fleet (docs/fleet.md). Without the option, a Redis URL in KRB5RCACHENAME is
 * taken as well; any other name there is the library's to resolve (src/krb5/rcache/default.ts).
 *
 * The core imports no npm package: the `redis` client (an optional peer dependency) is loaded
 * here, and only when a Redis URL is asked for; without it the command says what to install.
 */
import { GssError } from '../errors/status.js';
import { resolveReplayCache } from '../krb5/rcache/default.js';
import { FileReplayCache } from '../krb5/rcache/file.js';
import { RedisReplayCache } from '../krb5/rcache/redis.js';
import type { RedisCommandClient } from '../krb5/rcache/redis-client.js';
import type { ReplayCache } from '../krb5/rcache/replay-cache.js';

/** What the command needs of node-redis's client (typed here, so that redis stays optional). */
interface RedisClientLike extends RedisCommandClient {
  connect(): Promise<unknown>;
  destroy(): void;
  on(event: 'error', listener: (e: Error) => void): unknown;
  readonly isReady: boolean;
}

/** The `redis` module's entry we use. */
interface RedisModule {
  createClient(options: { url: string; disableOfflineQueue: boolean }): RedisClientLike;
}

/** A replay cache opened for the command, and how to let go of it when the server stops. */
export interface OpenedReplayCache {
  readonly cache: ReplayCache;
  /** What to print: the name, without a Redis URL's password. */
  readonly description: string;
  close(): void;
}

/** The error a missing optional peer gives, as the command shows it. */
export class MissingPeerError extends Error {}

const isRedisUrl = (name: string) => /^rediss?:\/\//i.test(name);

/** The name from --rcache, else a Redis URL in KRB5RCACHENAME; undefined: the library decides. */
export function replayCacheName(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (option !== undefined) return option;
  const fromEnv = env.KRB5RCACHENAME;
  return fromEnv !== undefined && isRedisUrl(fromEnv) ? fromEnv : undefined;
}

async function loadRedis(importer: () => Promise<unknown>): Promise<RedisModule> {
  try {
    return (await importer()) as RedisModule;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingPeerError(
        "a Redis replay cache needs the npm package 'redis' (node-redis 4.6+), an optional peer " +
          'dependency of gssapi-ts: npm install redis',
      );
    }
    throw e;
  }
}

/**
 * Opens the replay cache NAME names. A Redis client connects before this resolves, or after at
 * most `connectMs`: until it does, accepts fail closed (GSS_S_FAILURE, KRB5_RC_IO), as they do
 * whenever Redis cannot answer. `log` gets the client's connection errors, each once in a row.
 */
export async function openReplayCache(
  name: string,
  log: (line: string) => void,
  opts: { connectMs?: number; importer?: () => Promise<unknown> } = {},
): Promise<OpenedReplayCache> {
  if (!isRedisUrl(name)) {
    // MIT's names; an unknown type or a name without one is a GssError with MIT's code.
    const cache = resolveReplayCache(name);
    return {
      cache,
      description: name,
      close: () => {
        if (cache instanceof FileReplayCache) cache.close();
      },
    };
  }
  const redis = await loadRedis(opts.importer ?? (() => import('redis')));
  const url = new URL(name);
  url.password = url.password ? '***' : '';
  const description = url.toString();
  // disableOfflineQueue: while Redis is unreachable a SET fails at once rather than waiting
  // in the client's queue to be run (and recorded) later (docs/fleet.md).
  const client = redis.createClient({ url: name, disableOfflineQueue: true });
  let last = '';
  client.on('error', (e) => {
    const line = `replay cache ${description}: ${e.message || String(e)}`;
    if (line !== last) log(line);
    last = line;
  });
  const connected = client.connect().then(
    () => undefined,
    (e: unknown) => log(`replay cache ${description}: ${(e as Error)?.message ?? String(e)}`),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([connected, new Promise<void>((r) => (timer = setTimeout(r, opts.connectMs ?? 3000)))]);
  clearTimeout(timer);
  if (!client.isReady) log(`replay cache ${description}: not reachable yet; accepts fail closed until it is`);
  else last = '';
  return {
    cache: new RedisReplayCache({ client }),
    description,
    close: () => client.destroy(),
  };
}

/** A GssError or missing peer as one line for the command's stderr. */
export function replayCacheFailure(name: string, e: unknown): string | undefined {
  if (e instanceof MissingPeerError) return e.message;
  if (e instanceof GssError) return `replay cache '${name}': ${e.message}`;
  return undefined;
}
