/**
 * Renders our keytab and ccache contents the way MIT klist prints them (klist.c), so interop tests
 * compare whole lines with MIT's output. klist runs with TZ=UTC and LC_ALL=C, so its times are
 * strftime "%x %X": MM/DD/YY HH:MM:SS.
 */
import { type CcacheContents, isConfigPrincipal, isRemoved } from '../../src/krb5/ccache/index.js';
import type { KeytabEntry } from '../../src/krb5/keytab/index.js';
import { unparsePrincipal } from '../../src/krb5/principal.js';
import { fromUtf8, toHex } from '../../src/util/bytes.js';

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

/** The enc-part etype of a DER Ticket ([APPLICATION 1] SEQUENCE { ..., [3] EncryptedData }). */
export function ticketEtype(ticket: Uint8Array): number {
  let pos = 0;
  const header = (): { tag: number; len: number } => {
    const tag = ticket[pos++];
    let len = ticket[pos++];
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + ticket[pos++];
    }
    return { tag, len };
  };
  header(); // [APPLICATION 1]
  header(); // SEQUENCE
  for (;;) {
    const { tag, len } = header();
    if (tag !== 0xa3) {
      pos += len;
      continue;
    }
    header(); // EncryptedData SEQUENCE
    header(); // [0]
    const int = header(); // INTEGER
    let v = 0;
    for (let i = 0; i < int.len; i++) v = v * 256 + ticket[pos++];
    return v;
  }
}

const FLAG_LETTERS: readonly [number, string][] = [
  [0x40000000, 'F'],
  [0x20000000, 'f'],
  [0x10000000, 'P'],
  [0x08000000, 'p'],
  [0x04000000, 'D'],
  [0x02000000, 'd'],
  [0x01000000, 'i'],
  [0x00800000, 'R'],
  [0x00400000, 'I'],
  [0x00100000, 'H'],
  [0x00200000, 'A'],
  [0x00080000, 'T'],
  [0x00040000, 'O'],
  [0x00008000, 'a'],
];

/** `klist -e -f -C` output for a cache, as klist.c show_credential prints it. */
export function klistCcache(name: string, cc: CcacheContents): string {
  const def = unparsePrincipal(cc.principal);
  let out = `Ticket cache: ${name}\nDefault principal: ${def}\n\nValid starting     Expires            Service principal\n`;
  for (const c of cc.credentials) {
    if (isRemoved(c)) continue;
    const config = isConfigPrincipal(c.server);
    if (config) {
      const [, ...rest] = c.server.components;
      out += `config: ${rest.map((x, i) => (i > 0 ? `(${x})` : x)).join('')} = ${fromUtf8(c.ticket)}\n`;
      continue;
    }
    const start = c.starttime || c.authtime;
    out += `${klistTime(start)}  ${klistTime(c.endtime)}  ${unparsePrincipal(c.server)}\n`;
    const extra: string[] = [];
    if (unparsePrincipal(c.client) !== def) extra.push(`for client ${unparsePrincipal(c.client)}`);
    if (c.renewTill) extra.push(`renew until ${klistTime(c.renewTill)}`);
    const flags = FLAG_LETTERS.filter(([bit]) => c.ticketFlags & bit)
      .map(([, l]) => l)
      .join('');
    if (flags) extra.push(`Flags: ${flags}`);
    const etypes = `Etype (skey, tkt): ${ENCTYPE_NAMES[c.key.enctype]}, ${ENCTYPE_NAMES[ticketEtype(c.ticket)]} `;
    // klist breaks the line after three fields' worth (client + renew count as more than one).
    const weight =
      (extra.length > 0 && extra[0].startsWith('for client') ? 1 : 0) +
      (c.renewTill ? 2 : 0) +
      (flags ? 1 : 0);
    if (weight > 2) out += `\t${extra.join(', ')}\n\t${etypes}\n`;
    else out += `\t${[...extra, etypes].join(', ')}\n`;
  }
  return out;
}
