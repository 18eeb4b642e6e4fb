export {
  type CcacheDefaults,
  type CredentialCache,
  DEFAULT_CCACHE_NAME,
  defaultCcacheName,
  type InitializeOptions,
  resolveCcache,
} from './cache.js';
export {
  type AuthDataEntry,
  type CachedCredential,
  type CcacheContents,
  encodeCcache,
  FCC_TAG_DELTATIME,
  type HeaderTag,
  type HostAddress,
  isRemoved,
  kdcTimeOffset,
  parseCcache,
  type TimeOffset,
  timeOffsetTag,
} from './format.js';
export {
  CONF_NAME,
  CONF_REALM,
  configPrincipal,
  getConfig,
  isConfigPrincipal,
  type RetrieveOptions,
  selectCredential,
  setConfig,
} from './match.js';
