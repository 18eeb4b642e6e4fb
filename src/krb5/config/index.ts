export { parseDuration } from './duration.js';
export { expandPathTokens, ioError, writeFileAtomic } from './files.js';
export { domainRealm, fallbackRealm, type HostAddress, parseHostString, parseServerValue } from './hosts.js';
export {
  configPaths,
  DEFAULT_CLOCKSKEW,
  DEFAULT_CONFIG_PATH,
  DEFAULT_UDP_PREFERENCE_LIMIT,
  HARD_UDP_LIMIT,
  KADMIN_PORT,
  KDC_PORT,
  Krb5Config,
  parseProfileBoolean,
  parseProfileInteger,
} from './krb5conf.js';
export { nodeProfileIo, Profile } from './profile.js';
export { type ProfileIo, parseProfile, parseProfileDir, validIncludeName } from './profile-parse.js';
export type { ProfileNode } from './profile-tree.js';
