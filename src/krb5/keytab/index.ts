export {
  addKeytabEntries,
  DEFAULT_CLIENT_KEYTAB_NAME,
  DEFAULT_KEYTAB_NAME,
  defaultClientKeytabName,
  defaultKeytabName,
  type KeytabDefaults,
  keytabPath,
  readKeytab,
  writeKeytab,
} from './file.js';
export {
  encodeKeytab,
  type Keytab,
  type KeytabEntry,
  KRB5_KT_VNO,
  KRB5_KT_VNO_1,
  parseKeytab,
} from './format.js';
export { findKey } from './lookup.js';
