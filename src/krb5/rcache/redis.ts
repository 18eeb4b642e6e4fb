/**
 * `RedisReplayCache`: one replay cache for a fleet of acceptors. Each authenticator is one atomic
 * `SET key 1 NX PX window` (https://redis.io/commands/set): the first acceptor to store a tag
 * gets OK, every later one (on any host) gets nil, a replay; Redis expires the key when the
 * clock-skew window has passed, as MIT's file expires its records. The key is MIT's tag (the
 * authenticator's integrity checksum, ./replay-cache.ts) in hex under a prefix: it is already a
 * MAC, unforgeable and unpredictable, so it needs no further hashing, and it reveals nothing.
 *
 * Redis unreachable (or slower than `timeoutMs`) fails the accept with GSS_S_FAILURE and
 * KRB5_RC_IO: never an accepted replay. `failOpen: true` accepts instead, and says so on `log`
 * every time: for services that prefer availability to replay protection, knowingly.
 */
import { toHex } from '../../util/bytes.js';
import { DEFAULT_REDIS_TIMEOUT_MS, type RedisCommandClient, redisCommand } from './redis-client.js';
import type { ReplayCache } from './replay-cache.js';

/**
 * Options of a `RedisReplayCache`: the replay cache (RFC 4120 3.2.3) shared by a fleet through
 * Redis.
 */
export interface RedisReplayCacheOptions {
  /**
   * The Redis connection, typed structurally (`sendCommand`), so the core needs no Redis package.
   */
  readonly client: RedisCommandClient;
  /** Key prefix, so that one Redis can serve several services (default "gssapi-ts:rc:"). */
  readonly prefix?: string;
  /** Deadline of each SET in milliseconds (default 2000). */
  readonly timeoutMs?: number;
  /** Accept when Redis cannot answer (default false: refuse). Every such accept is logged. */
  readonly failOpen?: boolean;
  /** Where fail-open accepts are reported (default console.warn). */
  readonly log?: (message: string) => void;
}

export class RedisReplayCache implements ReplayCache {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #failOpen: boolean;
  readonly #log: (message: string) => void;

  constructor(opts: RedisReplayCacheOptions) {
    this.#client = opts.client;
    this.#prefix = opts.prefix ?? 'gssapi-ts:rc:';
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.#failOpen = opts.failOpen === true;
    this.#log = opts.log ?? ((m) => console.warn(m));
  }

  async checkAndStore(tag: Uint8Array, expiresAt: number, now: number): Promise<boolean> {
    const window = Math.max(1, Math.ceil(expiresAt - now));
    const args = ['SET', this.#prefix + toHex(tag), '1', 'NX', 'PX', String(window)];
    try {
      const reply = await redisCommand(this.#client, args, this.#timeoutMs, 'replay cache');
      return reply !== null && reply !== undefined;
    } catch (e) {
      if (!this.#failOpen) throw e;
      this.#log(
        `gssapi-ts: replay cache failing open, authenticator accepted unchecked: ${(e as Error).message}`,
      );
      return true;
    }
  }
}
