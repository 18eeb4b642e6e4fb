/**
 * PAC_LOGON_INFO (MS-PAC 2.5): KERB_VALIDATION_INFO, NDR-serialized (./ndr.ts). The user's SID
 * is LogonDomainId + UserId, the groups are LogonDomainId + each RID (MS-PAC 2.5, MS-KILE
 * 3.3.5.6.4), extra SIDs and resource groups (MS-PAC 2.2.1) come whole.
 */
import { malformedPac } from './errors.js';
import { NdrReader } from './ndr.js';
import { type Sid, sidWithRid } from './sid.js';

/** A SID with its SE_GROUP_* attributes (MS-PAC 2.2.1 KERB_SID_AND_ATTRIBUTES). */
export interface SidAndAttributes {
  /** The group's (or well-known) SID. */
  readonly sid: Sid;
  /** SE_GROUP_* bits: 0x1 mandatory, 0x2 enabled by default, 0x4 enabled, ... */
  readonly attributes: number;
}

/** The PAC's LOGON_INFO buffer (MS-PAC 2.5, NDR KERB_VALIDATION_INFO): who the user is to AD. */
export interface LogonInfo {
  /** FILETIMEs as Dates; undefined for 0 and for "never" (0x7FFFFFFFFFFFFFFF). */
  readonly logonTime?: Date;
  /** When the logon expires (LogoffTime). */
  readonly logoffTime?: Date;
  /** When the server must end the session (KickOffTime). */
  readonly kickOffTime?: Date;
  /** When the password was last set. */
  readonly passwordLastSet?: Date;
  /** The earliest time the user may change the password. */
  readonly passwordCanChange?: Date;
  /** When the password expires. */
  readonly passwordMustChange?: Date;
  /** The account name (sAMAccountName). */
  readonly effectiveName: string;
  /** The user's display name. */
  readonly fullName: string;
  /** The logon script path. */
  readonly logonScript: string;
  /** The roaming profile path. */
  readonly profilePath: string;
  /** The home directory (UNC path). */
  readonly homeDirectory: string;
  /** The drive letter the home directory is mapped to. */
  readonly homeDirectoryDrive: string;
  /** Successful logons the DC counted. */
  readonly logonCount: number;
  /** Failed password attempts the DC counted. */
  readonly badPasswordCount: number;
  /** The user's RID in the logon domain. */
  readonly userId: number;
  /** The primary group's RID (513, Domain Users, by default). */
  readonly primaryGroupId: number;
  /** MS-PAC UserFlags (e.g. 0x20 NETLOGON_EXTRA_SIDS, 0x200 resource groups). */
  readonly userFlags: number;
  /** The NetBIOS name of the DC that issued the PAC. */
  readonly logonServer: string;
  /** The NetBIOS domain name. */
  readonly logonDomainName: string;
  /** The logon domain's SID. */
  readonly logonDomainId: Sid;
  /** The account's UserAccountControl bits (MS-SAMR 2.2.1.12). */
  readonly userAccountControl: number;
  /** LogonDomainId + UserId. */
  readonly userSid: Sid;
  /** LogonDomainId + PrimaryGroupId. */
  readonly primaryGroupSid: Sid;
  /** GroupIds: LogonDomainId + each RID. */
  readonly groups: readonly SidAndAttributes[];
  /** ExtraSids (D flag, NETLOGON_EXTRA_SIDS in UserFlags): well-known and other-domain SIDs. */
  readonly extraSids: readonly SidAndAttributes[];
  /** ResourceGroupDomainSid + ResourceGroupIds (domain-local groups, MS-PAC 2.5). */
  readonly resourceGroups: readonly SidAndAttributes[];
}

const FILETIME_NEVER = 0x7fffffffffffffffn;
/** 100 ns intervals between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** A FILETIME as a Date; 0 and "never" are undefined. */
export function filetimeToDate(t: bigint): Date | undefined {
  if (t === 0n || t === FILETIME_NEVER) return undefined;
  return new Date(Number((t - FILETIME_UNIX_EPOCH) / 10000n));
}

interface StringHeader {
  length: number;
  maximumLength: number;
  present: boolean;
}

export function decodeLogonInfo(buffer: Uint8Array): LogonInfo {
  const r = new NdrReader(buffer);
  r.headers();
  if (!r.pointer('KERB_VALIDATION_INFO')) throw malformedPac('null KERB_VALIDATION_INFO');
  const str = (what: string): StringHeader => {
    const length = r.u16(`${what} Length`);
    const maximumLength = r.u16(`${what} MaximumLength`);
    return { length, maximumLength, present: r.pointer(`${what} Buffer`) };
  };
  const logonTime = r.filetime('LogonTime');
  const logoffTime = r.filetime('LogoffTime');
  const kickOffTime = r.filetime('KickOffTime');
  const passwordLastSet = r.filetime('PasswordLastSet');
  const passwordCanChange = r.filetime('PasswordCanChange');
  const passwordMustChange = r.filetime('PasswordMustChange');
  const names = [
    'EffectiveName',
    'FullName',
    'LogonScript',
    'ProfilePath',
    'HomeDirectory',
    'HomeDirectoryDrive',
  ];
  const nameHeaders = names.map(str);
  const logonCount = r.u16('LogonCount');
  const badPasswordCount = r.u16('BadPasswordCount');
  const userId = r.u32('UserId');
  const primaryGroupId = r.u32('PrimaryGroupId');
  const groupCount = r.u32('GroupCount');
  const groupsPresent = r.pointer('GroupIds');
  const userFlags = r.u32('UserFlags');
  r.bytes(16, 'UserSessionKey');
  const logonServerHeader = str('LogonServer');
  const logonDomainNameHeader = str('LogonDomainName');
  const domainIdPresent = r.pointer('LogonDomainId');
  r.u32('Reserved1');
  r.u32('Reserved1');
  const userAccountControl = r.u32('UserAccountControl');
  r.u32('SubAuthStatus');
  r.filetime('LastSuccessfulILogon');
  r.filetime('LastFailedILogon');
  r.u32('FailedILogonCount');
  r.u32('Reserved3');
  const sidCount = r.u32('SidCount');
  const extraSidsPresent = r.pointer('ExtraSids');
  const resourceDomainPresent = r.pointer('ResourceGroupDomainSid');
  const resourceGroupCount = r.u32('ResourceGroupCount');
  const resourceGroupsPresent = r.pointer('ResourceGroupIds');

  // The deferred referents, in the order of their pointers above.
  const text = (h: StringHeader, what: string): string => {
    if (!h.present) {
      if (h.length !== 0) throw malformedPac(`${what}: length without a buffer`);
      return '';
    }
    return r.string(h, what);
  };
  const strings = nameHeaders.map((h, i) => text(h, names[i]));
  const rids = (present: boolean, count: number, what: string): { rid: number; attributes: number }[] => {
    if (!present) {
      if (count !== 0) throw malformedPac(`${what}: count without an array`);
      return [];
    }
    const n = r.conformance(count, 8, what);
    const out = [];
    for (let i = 0; i < n; i++)
      out.push({ rid: r.u32(`${what} RelativeId`), attributes: r.u32(`${what} Attributes`) });
    return out;
  };
  const groupRids = rids(groupsPresent, groupCount, 'GroupIds');
  const logonServer = text(logonServerHeader, 'LogonServer');
  const logonDomainName = text(logonDomainNameHeader, 'LogonDomainName');
  if (!domainIdPresent) throw malformedPac('no LogonDomainId');
  const logonDomainId = r.sid('LogonDomainId');
  const extraSids: SidAndAttributes[] = [];
  if (extraSidsPresent) {
    const n = r.conformance(sidCount, 8, 'ExtraSids');
    const entries: { present: boolean; attributes: number }[] = [];
    for (let i = 0; i < n; i++)
      entries.push({ present: r.pointer('ExtraSids Sid'), attributes: r.u32('ExtraSids Attributes') });
    for (const e of entries) {
      if (!e.present) throw malformedPac('ExtraSids: a null SID');
      extraSids.push({ sid: r.sid('ExtraSids Sid'), attributes: e.attributes });
    }
  } else if (sidCount !== 0) {
    throw malformedPac('SidCount without ExtraSids');
  }
  const resourceDomain = resourceDomainPresent ? r.sid('ResourceGroupDomainSid') : undefined;
  const resourceRids = rids(resourceGroupsPresent, resourceGroupCount, 'ResourceGroupIds');
  if (resourceRids.length > 0 && resourceDomain === undefined)
    throw malformedPac('ResourceGroupIds without ResourceGroupDomainSid');

  return {
    logonTime: filetimeToDate(logonTime),
    logoffTime: filetimeToDate(logoffTime),
    kickOffTime: filetimeToDate(kickOffTime),
    passwordLastSet: filetimeToDate(passwordLastSet),
    passwordCanChange: filetimeToDate(passwordCanChange),
    passwordMustChange: filetimeToDate(passwordMustChange),
    effectiveName: strings[0],
    fullName: strings[1],
    logonScript: strings[2],
    profilePath: strings[3],
    homeDirectory: strings[4],
    homeDirectoryDrive: strings[5],
    logonCount,
    badPasswordCount,
    userId,
    primaryGroupId,
    userFlags,
    logonServer,
    logonDomainName,
    logonDomainId,
    userAccountControl,
    userSid: sidWithRid(logonDomainId, userId),
    primaryGroupSid: sidWithRid(logonDomainId, primaryGroupId),
    groups: groupRids.map((g) => ({ sid: sidWithRid(logonDomainId, g.rid), attributes: g.attributes })),
    extraSids,
    resourceGroups: resourceRids.map((g) => ({
      sid: sidWithRid(resourceDomain as Sid, g.rid),
      attributes: g.attributes,
    })),
  };
}
