/** HostAddress addr-type values, RFC 4120 7.5.3 (and 7.1 for the others). */
export const ADDRTYPE_IPV4 = 2;
export const ADDRTYPE_DIRECTIONAL = 3;
export const ADDRTYPE_CHAOS = 5;
export const ADDRTYPE_XNS = 6;
export const ADDRTYPE_ISO = 7;
export const ADDRTYPE_DECNET = 12;
export const ADDRTYPE_APPLETALK = 16;
export const ADDRTYPE_NETBIOS = 20;
export const ADDRTYPE_IPV6 = 24;
