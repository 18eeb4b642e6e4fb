/**
 * RC4 and MD4 need OpenSSL's legacy provider (node --openssl-legacy-provider). A test file that
 * needs them runs its tests in a child started with the flag and asserts that child's result:
 * `underLegacyProvider(import.meta.url)` is true in the child; in the parent, `runWithLegacyProvider`
 * spawns the same file and returns its TAP output.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** Whether this process can hash with MD4 (the legacy provider is loaded). */
export function legacyProviderLoaded(): boolean {
  try {
    createHash('md4');
    return true;
  } catch {
    return false;
  }
}

export interface LegacyRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The TAP summary counts of the child. */
  readonly pass: number;
  readonly fail: number;
  readonly skipped: number;
}

/** Runs a test file (URL or path) with --openssl-legacy-provider and the TAP reporter. */
export function runWithLegacyProvider(file: string, timeoutMs = 600_000): LegacyRun {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  // NODE_TEST_CONTEXT would make the child report to this runner instead of its stdout.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const r = spawnSync(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', '--test-reporter=tap', path],
    { encoding: 'utf8', timeout: timeoutMs, env, maxBuffer: 64 * 1024 * 1024 },
  );
  const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)$`, 'm').exec(r.stdout)?.[1] ?? -1);
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    pass: count('pass'),
    fail: count('fail'),
    skipped: count('skipped'),
  };
}
