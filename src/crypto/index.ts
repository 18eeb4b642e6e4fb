/** Kerberos cryptography (RFC 3961, 3962, 8009): the surface other layers use. */
export {
  checkChecksumAt,
  checksumTypeForEnctype,
  decrypt,
  decryptWithConfounder,
  defaultSalt,
  encrypt,
  encryptedLength,
  encryptParts,
  makeChecksum,
  makeChecksumInto,
  makeChecksumOfType,
  makeChecksumParts,
  prf,
  randomKey,
  randomToKey,
  type StringToKeyOptions,
  stringToKey,
  verifyChecksum,
  verifyChecksumOfType,
  verifyChecksumParts,
} from './engine.js';
export { CKSUMTYPE_HMAC_MD5_ARCFOUR, hmacMd5Checksum } from './hmac-md5.js';
export type { Key } from './key.js';
export {
  aeadOpen,
  aeadSeal,
  constantTimeEqual,
  hmacSha256,
  md5,
  randomBytes,
  sha256,
} from './primitives.js';
export {
  CKSUMTYPE,
  ENCTYPE,
  type EnctypeProfile,
  getProfile,
  isImplementedEnctype,
  parseEnctypeList,
  profileByChecksumType,
  profileByName,
  SUPPORTED_ENCTYPES,
} from './profiles.js';
export { forgetDerivedKeys } from './rfc3961.js';
export { gssCrypt as arcfourGssCrypt, translateUsage as arcfourTranslateUsage } from './rfc4757.js';
