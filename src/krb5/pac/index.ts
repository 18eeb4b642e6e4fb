/** MS-PAC: the Privilege Attribute Certificate in AD (and MIT KDC) tickets, verified and decoded. */
export type { LogonInfo, SidAndAttributes } from './logon-info.js';
export { findPac, type Pac, type PacCheck, verifyPac } from './pac.js';
export type { Sid } from './sid.js';
export type { UpnDnsInfo } from './upn-dns-info.js';
