/**
 * The status plumbing of the facade: a GssError thrown by the idiomatic API becomes the returned
 * major status and the minor status in the caller's box; anything else is GSS_S_FAILURE with
 * minor 0 (its message is dropped: it might carry data we must not leak).
 */
import { GSS_S_CALL_INACCESSIBLE_WRITE, GSS_S_FAILURE, GssError } from '../../errors/status.js';
import type { Box, GssBuffer, GssBufferDesc } from './types.js';

export type MinorBox = Box<number> | null | undefined;

/** The major status for an exception, with its minor code written to `minor`. */
export function statusOf(minor: Box<number>, e: unknown): number {
  if (e instanceof GssError) {
    minor.value = e.minor;
    return e.major;
  }
  minor.value = 0;
  return GSS_S_FAILURE;
}

/** MIT's first check in every call: the minor status must be writable; it starts at 0. */
export function minorOk(minor: MinorBox): minor is Box<number> {
  if (minor === null || minor === undefined || typeof minor !== 'object') return false;
  minor.value = 0;
  return true;
}

/** Runs `body` (which returns the major status) and converts whatever it throws. */
export function guard(minor: MinorBox, body: (minor: Box<number>) => number): number {
  if (!minorOk(minor)) return GSS_S_CALL_INACCESSIBLE_WRITE;
  try {
    return body(minor);
  } catch (e) {
    return statusOf(minor, e);
  }
}

export async function guardAsync(
  minor: MinorBox,
  body: (minor: Box<number>) => Promise<number>,
): Promise<number> {
  if (!minorOk(minor)) return GSS_S_CALL_INACCESSIBLE_WRITE;
  try {
    return await body(minor);
  } catch (e) {
    return statusOf(minor, e);
  }
}

/** True when `b` is a usable gss_buffer_desc (an input buffer). */
export function isBuffer(b: GssBuffer | undefined): b is GssBufferDesc {
  return b !== null && b !== undefined && typeof b === 'object' && b.value instanceof Uint8Array;
}

/** The bytes of an input buffer, honouring `length` as C does (never past `value`). */
export function bufferBytes(b: GssBufferDesc): Uint8Array {
  const n = Math.max(0, Math.min(b.length >>> 0, b.value.length));
  return n === b.value.length ? b.value : b.value.subarray(0, n);
}

/** Clears an output buffer at the start of a call, as MIT's val_*_args do. */
export function resetBuffer(b: GssBuffer | undefined): void {
  if (b !== null && b !== undefined && typeof b === 'object') {
    b.length = 0;
    b.value = new Uint8Array(0);
  }
}

/** Fills an output buffer. */
export function setBuffer(b: GssBufferDesc, bytes: Uint8Array): void {
  b.value = bytes;
  b.length = bytes.length;
}

/** Writes an optional out-parameter. */
export function put<T>(box: Box<T> | null | undefined, value: T): void {
  if (box) box.value = value;
}
