/** Channel bindings (RFC 2744 3.11 gss_channel_bindings_struct), mechanism-independent. */
export interface ChannelBindings {
  /** GSS_C_AF_* (RFC 2744 3.11): 0 unspecified, 2 INET, 24 INET6, 255 NULLADDR... */
  readonly initiatorAddrType?: number;
  readonly initiatorAddress?: Uint8Array;
  readonly acceptorAddrType?: number;
  readonly acceptorAddress?: Uint8Array;
  readonly applicationData?: Uint8Array;
}

/** RFC 2744 3.11 address families used by MIT's acceptor. */
export const GSS_C_AF_UNSPEC = 0;
export const GSS_C_AF_INET = 2;
export const GSS_C_AF_NULLADDR = 255;
