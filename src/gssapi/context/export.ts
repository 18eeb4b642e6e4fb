/**
 * gss_export_sec_context / gss_import_sec_context in the idiomatic API (the seed's scenario).
 * The token format is in ./export-token.ts and docs/export-token.md.
 */

import { claimTokenId, decodeExportToken, type ExportOptions } from '../export/export-token.js';
import { SecurityContext } from './context.js';

export type { ExportOptions } from '../export/export-token.js';
export { SEAL_KEY_BYTES } from '../export/export-token.js';

/** Exports `ctx` (see SecurityContext.export): the handle is dead afterwards. */
export function exportSecContext(ctx: SecurityContext, opts: ExportOptions = {}): Uint8Array {
  return ctx.export(opts);
}

/**
 * Restores an exported context in this process: names, flags, lifetime, keys, sequence numbers
 * and the whole receive window. A sealed token needs the same `key`. A token is imported at most
 * once per process (GSS_S_UNAUTHORIZED the second time).
 */
export function importSecContext(token: Uint8Array, opts: ExportOptions = {}): SecurityContext {
  const { state, tokenId } = decodeExportToken(token, opts);
  try {
    claimTokenId(tokenId, state.endTime);
  } catch (e) {
    state.sessionKey.keyvalue.fill(0);
    state.subkey.keyvalue.fill(0);
    state.acceptorSubkey?.keyvalue.fill(0);
    throw e;
  }
  return SecurityContext.fromState(state);
}

/** gss_release_buffer for tokens that held keys: overwrites them with zeros. */
export function releaseBuffer(buffer: Uint8Array | undefined): void {
  buffer?.fill(0);
}
