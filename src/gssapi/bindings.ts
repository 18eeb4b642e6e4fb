/** Channel bindings (RFC 2744 3.11 gss_channel_bindings_struct), mechanism-independent. */
export interface ChannelBindings {
  /** GSS_C_AF_* (RFC 2744 3.11): 0 unspecified, 2 INET, 24 INET6, 255 NULLADDR... */
  readonly initiatorAddrType?: number;
  /** The initiator's address in the form its address type gives (4 bytes for GSS_C_AF_INET). */
  readonly initiatorAddress?: Uint8Array;
  /** The acceptor's address type, a GSS_C_AF_* value as for `initiatorAddrType`. */
  readonly acceptorAddrType?: number;
  /** The acceptor's address in the form its address type gives. */
  readonly acceptorAddress?: Uint8Array;
  /**
   * Application data bound to the context, e.g. TLS channel bindings (RFC 5929); hashed into the
   * authenticator checksum (RFC 4121 4.1.1.2).
   */
  readonly applicationData?: Uint8Array;
}

/** Address type 0: unspecified (RFC 2744 3.11), the default when a type is left out. */
export const GSS_C_AF_UNSPEC = 0;
/**
 * Address type 2: an IPv4 address, 4 bytes (RFC 2744 3.11). As MIT, an acceptor checks an INET
 * initiator address against the ticket's addresses.
 */
export const GSS_C_AF_INET = 2;
/** Address type 255: no address (RFC 2744 3.11). */
export const GSS_C_AF_NULLADDR = 255;
