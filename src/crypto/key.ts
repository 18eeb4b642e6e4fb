/**
 * A Kerberos key: RFC 4120 EncryptionKey (keytype, keyvalue). Shared by every layer; the crypto
 * layer caches derived keys per Key object, so keep one object per key rather than copies.
 * Never log or print `keyvalue`.
 */
export interface Key {
  /** The enctype number (RFC 3961 registry): 17, 18, 19, 20. */
  readonly enctype: number;
  readonly keyvalue: Uint8Array;
}
