/**
 * The acceptor's replay cache (RFC 4120 3.2.3). As MIT 1.18+, an authenticator is identified by
 * a tag: the last checksum-length bytes of its ciphertext (k5_rc_tag_from_ciphertext: the
 * integrity tag, which no one can forge for a different authenticator); it is remembered until
 * the clock-skew window around its time has passed. One call, so that a cache shared between
 * processes (MIT's file, Redis) can replace the in-process one.
 */
export interface ReplayCache {
  /**
   * Records `tag` until `expiresAt` (milliseconds since the epoch; `now` is the acceptor's
   * clock, so `expiresAt - now` is the clock-skew window). Returns false when the tag was already
   * recorded and has not expired: a replay. A shared cache answers with a promise, and rejects
   * it with a `GssError` when it cannot tell (the acceptor then fails: never an accepted replay).
   */
  checkAndStore(tag: Uint8Array, expiresAt: number, now: number): boolean | Promise<boolean>;
}
