/**
 * `RedisReplayCache`: one replay cache for a fleet of acceptors. Each authenticator is one atomic
 * `SET key 1 NX PX window` (https://redis.io/commands/set): the first acceptor to store a tag
 * gets OK, every later one (on any host) gets nil, a replay; Redis expires the key when the
 * clock-skew window has passed, as MIT's file expires its records. The key is MIT's tag (the
 * authenticator's integrity checksum, ./replay-cache.ts) in hex under a prefix: it is already a
 * MAC, unforgeable and unpredictable, so it needs no further hashing, and it reveals nothing.
 *
 * The stores of one turn of the event loop (a burst of accepts) go to Redis as one command: a
 * script (EVALSHA) that runs the same SET NX PX on each key and answers 1 or 0 for each. The
 * client's work per command (encoding, its queue, the reply's decoding, a promise, a timer) then
 * counts once per burst, not once per accept (docs/performance.md measured about 95 µs of our
 * CPU per accept with one SET each, 40 µs batched, at 32 in flight). A lone store is a SET. Redis runs a script atomically and writes its SETs
 * to the append-only file as it writes a SET's, so the guarantees are the same. A Redis Cluster
 * refuses a script whose keys lie in several hash slots: there, `batch: false` sends one SET per
 * accept, which the cluster client routes by key.
 *
 * Redis unreachable (or slower than `timeoutMs`) fails the accept with GSS_S_FAILURE and
 * KRB5_RC_IO: never an accepted replay. `failOpen: true` accepts instead, and says so on `log`
 * every time: for services that prefer availability to replay protection, knowingly.
 */
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';
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
  /** Deadline of each command in milliseconds (default 2000). */
  readonly timeoutMs?: number;
  /** Accept when Redis cannot answer (default false: refuse). Every such accept is logged. */
  readonly failOpen?: boolean;
  /** Where fail-open accepts are reported (default console.warn). */
  readonly log?: (message: string) => void;
  /**
   * One command per turn of the event loop (default true); false: one SET per accept, as a Redis
   * Cluster needs (a script's keys must share a hash slot there).
   */
  readonly batch?: boolean;
}

/** SET NX PX on each key (with the window of the same index); 1 stored, 0 already there. */
const SCRIPT =
  "local r = {} for i = 1, #KEYS do r[i] = redis.call('SET', KEYS[i], '1', 'NX', 'PX', ARGV[i]) and 1 or 0 end return r";
/** SHA-1 of SCRIPT, its name for EVALSHA (test/interop/rcache-redis-batch.test.ts sees it used). */
const SCRIPT_SHA1 = 'eb28880ade627d03bde7342bec67e16a33e669dc';

interface Waiting {
  readonly key: string;
  readonly window: string;
  readonly resolve: (fresh: boolean) => void;
  readonly reject: (e: unknown) => void;
}

export class RedisReplayCache implements ReplayCache {
  readonly #client: RedisCommandClient;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #failOpen: boolean;
  readonly #log: (message: string) => void;
  readonly #batch: boolean;
  #waiting: Waiting[] = [];

  constructor(opts: RedisReplayCacheOptions) {
    this.#client = opts.client;
    this.#prefix = opts.prefix ?? 'gssapi-ts:rc:';
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.#failOpen = opts.failOpen === true;
    this.#log = opts.log ?? ((m) => console.warn(m));
    this.#batch = opts.batch !== false;
  }

  checkAndStore(tag: Uint8Array, expiresAt: number, now: number): Promise<boolean> {
    const key = this.#prefix + toHex(tag);
    const window = String(Math.max(1, Math.ceil(expiresAt - now)));
    return new Promise<boolean>((resolve, reject) => {
      const w: Waiting = { key, window, resolve, reject };
      if (!this.#batch) this.#set(w);
      else {
        if (this.#waiting.length === 0) setImmediate(this.#flush);
        this.#waiting.push(w);
      }
    });
  }

  readonly #flush = (): void => {
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length === 1) this.#set(batch[0]);
    else this.#script(batch);
  };

  #set(w: Waiting): void {
    redisCommand(
      this.#client,
      ['SET', w.key, '1', 'NX', 'PX', w.window],
      this.#timeoutMs,
      'replay cache',
    ).then(
      (reply) => w.resolve(reply !== null && reply !== undefined),
      (e: unknown) => this.#unavailable(w, e),
    );
  }

  async #script(batch: Waiting[]): Promise<void> {
    const tail = [String(batch.length), ...batch.map((w) => w.key), ...batch.map((w) => w.window)];
    let answers: unknown[];
    try {
      let reply: unknown;
      try {
        reply = await redisCommand(
          this.#client,
          ['EVALSHA', SCRIPT_SHA1, ...tail],
          this.#timeoutMs,
          'replay cache',
        );
      } catch (e) {
        // A Redis that has not seen the script yet (or restarted): EVAL sends it, and caches it.
        const cause = e instanceof GssError ? e.cause : e;
        if (!(cause instanceof Error && cause.message.startsWith('NOSCRIPT'))) throw e;
        reply = await redisCommand(this.#client, ['EVAL', SCRIPT, ...tail], this.#timeoutMs, 'replay cache');
      }
      if (!Array.isArray(reply) || reply.length !== batch.length) {
        throw new GssError(
          GSS_S_FAILURE,
          MINOR.KRB5_RC_IO,
          'replay cache: Redis answered the script unexpectedly',
        );
      }
      answers = reply;
    } catch (e) {
      for (const w of batch) this.#unavailable(w, e);
      return;
    }
    batch.forEach((w, i) => {
      w.resolve(Number(answers[i]) === 1);
    });
  }

  #unavailable(w: Waiting, e: unknown): void {
    if (!this.#failOpen) {
      w.reject(e);
      return;
    }
    this.#log(
      `gssapi-ts: replay cache failing open, authenticator accepted unchecked: ${(e as Error).message}`,
    );
    w.resolve(true);
  }
}
