/**
 * Renders our keytab and ccache contents the way MIT klist prints them (klist.c), so interop tests
 * compare whole lines with MIT's output. klist runs with TZ=UTC and LC_ALL=C, so its times are
 * strftime "%x %X": MM/DD/YY HH:MM:SS.
 */
import type { KeytabEntry } from '../../src/krb5/keytab/index.js';
import { unparsePrincipal } from '../../src/krb5/principal.js';
import { toHex } from '../../src/util/bytes.js';

export const KLIST_ENV = { TZ: 'UTC', LC_ALL: 'C' } as const;

/** MIT's names for the enctypes the test realm uses (etypes.c). */
export const ENCTYPE_NAMES: Record<number, string> = {
  17: 'aes128-cts-hmac-sha1-96',
  18: 'aes256-cts-hmac-sha1-96',
  19: 'aes128-cts-hmac-sha256-128',
  20: 'aes256-cts-hmac-sha384-192',
};

const pad = (n: number): string => String(n).padStart(2, '0');

export function klistTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** A `klist -k -t -K -e` line. */
export function keytabLine(e: KeytabEntry): string {
  const kvno = String(e.kvno).padStart(4, ' ');
  const name = unparsePrincipal(e.principal);
  return `${kvno} ${klistTime(e.timestamp)} ${name} (${ENCTYPE_NAMES[e.key.enctype] ?? `etype ${e.key.enctype}`})  (0x${toHex(e.key.keyvalue)})`;
}

/** The entry lines of `klist -k ...` output (after the two header lines). */
export function klistBody(out: string): string[] {
  const lines = out.split('\n').filter((l) => l !== '');
  const sep = lines.findIndex((l) => l.startsWith('----'));
  return lines.slice(sep + 1);
}
