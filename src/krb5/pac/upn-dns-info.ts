/**
 * UPN_DNS_INFO (MS-PAC 2.10): the user principal name and DNS domain (offsets from the buffer's
 * start, UTF-16LE) and, with the S flag (2), the sAMAccountName and the user's SID as well.
 */
import { Reader } from '../../util/reader.js';
import { ERANGE, malformedPac } from './errors.js';
import { decodeUtf16le } from './ndr.js';
import { type Sid, sidFromParts } from './sid.js';

/** The PAC's UPN_DNS_INFO buffer (MS-PAC 2.10). */
export interface UpnDnsInfo {
  /** The user principal name, e.g. `alice@ad.example.test`. */
  readonly upn: string;
  /** The DNS name of the user's domain. */
  readonly dnsDomainName: string;
  /** U flag (1): the account has no UPN attribute; `upn` is the one AD made from its name. */
  readonly upnConstructed: boolean;
  /** With the S flag: the sAMAccountName. */
  readonly samName?: string;
  /** With the S flag: the user's SID. */
  readonly sid?: Sid;
}

const FLAG_UPN_CONSTRUCTED = 1;
const FLAG_EXTENDED = 2;

export function decodeUpnDnsInfo(buffer: Uint8Array): UpnDnsInfo {
  const r = new Reader(buffer, (what) => malformedPac(`UPN_DNS_INFO ${what}`, ERANGE));
  const field = (what: string): Uint8Array => {
    const length = r.u16(`${what} length`, true);
    const offset = r.u16(`${what} offset`, true);
    if (offset + length > buffer.length) throw malformedPac(`UPN_DNS_INFO ${what} past the end`, ERANGE);
    return buffer.subarray(offset, offset + length);
  };
  const upn = decodeUtf16le(field('Upn'));
  const dnsDomainName = decodeUtf16le(field('DnsDomainName'));
  const flags = r.u32('Flags', true);
  if (!(flags & FLAG_EXTENDED))
    return { upn, dnsDomainName, upnConstructed: (flags & FLAG_UPN_CONSTRUCTED) !== 0 };
  const samName = decodeUtf16le(field('SamName'));
  const sid = decodeBinarySid(field('Sid'));
  return { upn, dnsDomainName, upnConstructed: (flags & FLAG_UPN_CONSTRUCTED) !== 0, samName, sid };
}

/** MS-DTYP 2.4.2.2 SID: revision 1, count, 6-byte big-endian authority, count LE RIDs, exactly. */
function decodeBinarySid(b: Uint8Array): Sid {
  const r = new Reader(b, (what) => malformedPac(`SID ${what}`, ERANGE));
  const revision = r.u8('revision');
  const count = r.u8('sub-authority count');
  if (revision !== 1 || count > 15) throw malformedPac('UPN_DNS_INFO SID is not a SID');
  const authority = r.bytes(6, 'authority');
  const subs: number[] = [];
  for (let i = 0; i < count; i++) subs.push(r.u32('sub-authority', true));
  r.end('SID: trailing bytes');
  return sidFromParts(authority, subs);
}
