/**
 * Renders a value every way a program might print it (util.inspect deep, JSON.stringify,
 * String, and for errors: message, stack, cause chain) and looks for secret bytes in hex (plain,
 * spaced as Buffer prints it, upper case), base64 (standard and url) and decimal-array form (as
 * util.inspect prints a Uint8Array, and as JSON.stringify prints one).
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';

/** The spellings of the first 12 bytes of `secret` (a window long enough not to occur by chance). */
export function spellings(secret: Uint8Array): string[] {
  const w = Buffer.from(secret.subarray(0, Math.min(12, secret.length)));
  const bytes = [...w];
  const b64 = Buffer.from(secret).toString('base64');
  const b64url = Buffer.from(secret).toString('base64url');
  return [
    w.toString('hex'),
    w.toString('hex').toUpperCase(),
    bytes.map((b) => b.toString(16).padStart(2, '0')).join(' '),
    bytes.map((b) => b.toString(16).padStart(2, '0')).join(':'),
    // base64 of the whole secret and of its first 12 bytes (3-byte aligned).
    b64.slice(0, 16),
    b64url.slice(0, 16),
    w.toString('base64'),
    bytes.join(', '),
    bytes.join(','),
    bytes.map((b, i) => `"${i}":${b}`).join(','),
  ];
}

/** Every text a program might produce from `value`. */
export function renderings(value: unknown): string[] {
  const out = [
    inspect(value, { depth: 20, showHidden: true, getters: false, maxArrayLength: null }),
    inspect(value, { depth: 20, maxArrayLength: null }),
  ];
  try {
    out.push(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) ?? '');
  } catch (e) {
    out.push(String(e));
  }
  try {
    out.push(String(value));
  } catch (e) {
    out.push(String(e));
  }
  let e: unknown = value;
  for (let depth = 0; e instanceof Error && depth < 10; depth++) {
    out.push(e.message, e.stack ?? '', inspect(e, { depth: 20, showHidden: true }));
    e = e.cause;
  }
  return out;
}

/** Fails if any rendering of `value` shows any secret. */
export function assertNoSecrets(value: unknown, secrets: readonly Uint8Array[], what: string): void {
  const texts = renderings(value);
  for (const s of secrets) {
    if (s.length < 8 || s.every((b) => b === 0)) continue; // wiped or too short to tell
    for (const form of spellings(s)) {
      for (const t of texts) {
        if (t.includes(form)) assert.fail(`${what}: shows a secret as '${form}'`);
      }
    }
  }
}

/** The opposite check, so the test proves it can see a key where one is printed. */
export function showsSecret(value: unknown, secret: Uint8Array): boolean {
  const texts = renderings(value);
  return spellings(secret).some((f) => texts.some((t) => t.includes(f)));
}

/** Runs `fn` and returns what it threw (failing if it did not throw). */
export async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a failure');
}
