/**
 * `ContextStore`: the seed's hand-off across hosts. An acceptor exports an established context
 * into Redis under an id; any process of the fleet that holds the sealing key takes it out and
 * imports it. `take` is one GETDEL (https://redis.io/commands/getdel, Redis 6.2+): atomic, so a
 * context is imported by exactly one process anywhere, as the seed's "import once" rule has it
 * within one process. Values are sealed (./stored-token.ts) and expire when the context does:
 * the key's TTL is the context's remaining lifetime, never longer.
 */
import { GSS_S_CONTEXT_EXPIRED, GSS_S_DUPLICATE_ELEMENT, GSS_S_FAILURE, GssError } from '../errors/status.js';
import type { SecurityContext } from '../gssapi/context/context.js';
import { importSecContext } from '../gssapi/context/export.js';
import { SEAL_KEY_BYTES } from '../gssapi/export/export-token.js';
import {
  DEFAULT_REDIS_TIMEOUT_MS,
  type RedisCommandClient,
  redisCommand,
} from '../krb5/rcache/redis-client.js';
import { openStoredToken, sealStoredToken } from './stored-token.js';

/** How a `ContextStore` reaches Redis and seals what it stores. */
export interface ContextStoreOptions {
  /**
   * The Redis connection, typed structurally: any client with `sendCommand` (node-redis does;
   * ioredis through a one-line adapter).
   */
  readonly client: RedisCommandClient;
  /** 32 bytes shared by the fleet's processes (never sent to Redis). */
  readonly key: Uint8Array;
  /** Key prefix (default "gssapi-ts:ctx:"). */
  readonly prefix?: string;
  /** Deadline of each command in milliseconds (default 2000). */
  readonly timeoutMs?: number;
}

/**
 * Hands established contexts between the processes and hosts of a fleet through Redis: `put`
 * exports and seals a context under an id, `take` (one atomic GETDEL) imports it in exactly one
 * process. The cross-host form of gss_export_sec_context / gss_import_sec_context (RFC 2743 2.2.8,
 * 2.2.9); MIT has no equivalent (docs/fleet.md).
 */
export class ContextStore {
  readonly #client: RedisCommandClient;
  readonly #key: Uint8Array;
  readonly #prefix: string;
  readonly #timeoutMs: number;

  constructor(opts: ContextStoreOptions) {
    if (!(opts.key instanceof Uint8Array) || opts.key.length !== SEAL_KEY_BYTES) {
      throw new GssError(GSS_S_FAILURE, 0, 'the context store key must be 32 bytes');
    }
    this.#client = opts.client;
    this.#key = opts.key.slice();
    this.#prefix = opts.prefix ?? 'gssapi-ts:ctx:';
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  /**
   * Stores an interprocess token under `id` for at most `lifetimeSeconds` (the context's
   * remaining lifetime). An id already in use is refused (GSS_S_DUPLICATE_ELEMENT), so a stored
   * context cannot be replaced under its taker's feet.
   */
  async put(id: string, exportedToken: Uint8Array, lifetimeSeconds: number): Promise<void> {
    if (!(lifetimeSeconds > 0)) throw new GssError(GSS_S_CONTEXT_EXPIRED, 0, 'the context has expired');
    const redisKey = this.#prefix + id;
    const value = sealStoredToken(this.#key, redisKey, exportedToken);
    const ttl = String(Math.floor(lifetimeSeconds * 1000));
    const reply = await this.#command(['SET', redisKey, value, 'NX', 'PX', ttl]);
    if (reply === null || reply === undefined) {
      throw new GssError(GSS_S_DUPLICATE_ELEMENT, 0, `context store: id '${id}' is in use`);
    }
  }

  /** Takes the token stored under `id` (it is gone from Redis afterwards); undefined if none. */
  async take(id: string): Promise<Uint8Array | undefined> {
    const redisKey = this.#prefix + id;
    const value = await this.#command(['GETDEL', redisKey]);
    if (value === null || value === undefined) return undefined;
    return openStoredToken(this.#key, redisKey, value);
  }

  /** Exports `ctx` (the handle is dead afterwards, as with `ctx.export()`) into the store. */
  async putContext(id: string, ctx: SecurityContext): Promise<void> {
    const lifetime = ctx.lifetime;
    if (lifetime <= 0) throw new GssError(GSS_S_CONTEXT_EXPIRED, 0, 'the context has expired');
    const token = ctx.export();
    try {
      await this.put(id, token, lifetime);
    } finally {
      token.fill(0);
    }
  }

  /** Takes and imports the context stored under `id`; undefined when another process took it. */
  async takeContext(id: string): Promise<SecurityContext | undefined> {
    const token = await this.take(id);
    if (!token) return undefined;
    try {
      return importSecContext(token);
    } finally {
      token.fill(0);
    }
  }

  #command(args: string[]): Promise<unknown> {
    return redisCommand(this.#client, args, this.#timeoutMs, 'context store');
  }
}
