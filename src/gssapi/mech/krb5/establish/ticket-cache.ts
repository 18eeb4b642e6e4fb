/**
 * The acceptor's decrypted tickets, per keytab key. Clients reuse a service ticket for many
 * contexts; an AP-REQ whose ticket was decrypted before skips the decryption, the DER decoding
 * of the EncTicketPart and, above all, the derivation of the session key's keys (the crypto
 * layer caches derived keys per Key object, and the cached EncTicketPart keeps its Key): about a
 * third of an accept. MIT decrypts every ticket; the result is the same, since decryption is a
 * function of the keytab key and the ciphertext alone, and every check on the ticket's contents
 * (times, flags, client, addresses) still runs per AP-REQ.
 *
 * Memory: the session keys of up to MAX_PER_KEY recent tickets per keytab key stay in memory
 * (the keytab key that decrypts them all is there anyway). Contexts never hold these Key objects
 * (accept.ts gives each context its own copy, wiped on delete). Entries are keyed by the keytab
 * entry's Key object: a changed keytab file is parsed into new objects, so nothing decrypted
 * under a removed key survives it.
 */
import type { Key } from '../../../../crypto/key.js';
import type { EncTicketPart } from '../../../../krb5/messages/ticket.js';
import { equalBytes, toHex } from '../../../../util/bytes.js';

const MAX_PER_KEY = 256;

interface Entry {
  readonly cipher: Uint8Array;
  readonly part: EncTicketPart;
}

const byKey = new WeakMap<Key, Map<string, Entry>>();

/** The ticket's integrity tag (its last 16 bytes) and length: unforgeable, so a good index. */
function idOf(cipher: Uint8Array): string {
  return `${cipher.length}:${toHex(cipher.subarray(Math.max(0, cipher.length - 16)))}`;
}

/** The EncTicketPart decrypted before from exactly this ciphertext under this key, if any. */
export function cachedTicketPart(key: Key, cipher: Uint8Array): EncTicketPart | undefined {
  const e = byKey.get(key)?.get(idOf(cipher));
  return e && equalBytes(e.cipher, cipher) ? e.part : undefined;
}

/** Remembers a decrypted ticket; the oldest entry goes when the key has MAX_PER_KEY. */
export function rememberTicketPart(key: Key, cipher: Uint8Array, part: EncTicketPart): void {
  let m = byKey.get(key);
  if (!m) {
    m = new Map();
    byKey.set(key, m);
  }
  if (m.size >= MAX_PER_KEY) {
    const oldest = m.keys().next();
    if (!oldest.done) m.delete(oldest.value);
  }
  m.set(idOf(cipher), { cipher: cipher.slice(), part });
}
