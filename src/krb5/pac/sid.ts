/** Security identifiers (MS-DTYP 2.4.2): kept as the S-1-... text every Windows tool prints. */

/** "S-1-5-21-3623811015-3361044348-30300820-1013". */
export type Sid = string;

/** MS-DTYP 2.4.2.1: the authority in decimal below 2^32, else as 0x-prefixed hex. */
export function sidFromParts(authority: Uint8Array, subAuthorities: readonly number[]): Sid {
  let value = 0n;
  for (const b of authority) value = (value << 8n) | BigInt(b);
  const a =
    value < 0x100000000n ? value.toString(10) : `0x${value.toString(16).toUpperCase().padStart(12, '0')}`;
  return ['S', '1', a, ...subAuthorities.map((s) => String(s >>> 0))].join('-');
}

/** A RID appended to a domain SID (group and user SIDs in KERB_VALIDATION_INFO). */
export function sidWithRid(domain: Sid, rid: number): Sid {
  return `${domain}-${rid >>> 0}`;
}
