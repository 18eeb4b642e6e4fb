/** Checksum types, RFC 3961 8 / IANA "Kerberos Checksum Type Numbers" (RFC 3962, RFC 8009). */
export const CKSUMTYPE_CRC32 = 1;
export const CKSUMTYPE_RSA_MD4 = 2;
export const CKSUMTYPE_RSA_MD4_DES = 3;
export const CKSUMTYPE_DES_MAC = 4;
export const CKSUMTYPE_DES_MAC_K = 5;
export const CKSUMTYPE_RSA_MD4_DES_K = 6;
export const CKSUMTYPE_RSA_MD5 = 7;
export const CKSUMTYPE_RSA_MD5_DES = 8;
export const CKSUMTYPE_NIST_SHA = 9;
export const CKSUMTYPE_HMAC_SHA1_DES3_KD = 12;
export const CKSUMTYPE_HMAC_SHA1_96_AES128 = 15;
export const CKSUMTYPE_HMAC_SHA1_96_AES256 = 16;
export const CKSUMTYPE_CMAC_CAMELLIA128 = 17;
export const CKSUMTYPE_CMAC_CAMELLIA256 = 18;
export const CKSUMTYPE_HMAC_SHA256_128_AES128 = 19;
export const CKSUMTYPE_HMAC_SHA384_192_AES256 = 20;
/** RFC 4121 4.1.1: the GSS-API authenticator checksum (0x8003). */
export const CKSUMTYPE_GSSAPI = 0x8003;
export const CKSUMTYPE_HMAC_MD5_ARCFOUR = -138;
