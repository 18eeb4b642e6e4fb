/**
 * Internal access to the state record behind a SecurityContext, for export.ts: not part of the
 * public API (src/index.ts does not re-export it). The handle's state lives in a WeakMap so that
 * nothing on the object itself exposes keys to inspection.
 */
import type { ContextState } from '../mech/krb5/context-state.js';

/** The established record of each live handle; absent before establishment and after delete. */
export const contextStates = new WeakMap<object, ContextState>();

/** Handles that were deleted or exported: every later call throws GSS_S_NO_CONTEXT. */
export const deadContexts = new WeakSet<object>();

/** The record of an established, live context, or undefined. */
export function getContextState(handle: object): ContextState | undefined {
  return deadContexts.has(handle) ? undefined : contextStates.get(handle);
}

/** Kills a handle (after export): the record is dropped from it, not wiped (the caller owns it). */
export function killContext(handle: object): void {
  contextStates.delete(handle);
  deadContexts.add(handle);
}
