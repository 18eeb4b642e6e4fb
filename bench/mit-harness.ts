/**
 * bench/mit-gss.c, built with gcc against MIT's libgssapi_krb5 and kept running: one command per
 * cell slice, one line back (rates per CPU second of MIT's process). Used by bench/gss.ts and
 * bench/fleet.ts.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TARGET_SERVICE = 'gsstest@localhost';

/** Builds bench/mit-gss.c into `dir`; the executable's path, or why there is none. */
export function buildMit(dir: string, noMit = false): string | { skipped: string } {
  if (noMit) return { skipped: 'skipped (--no-mit)' };
  if (!existsSync('/usr/include/gssapi/gssapi_krb5.h')) {
    return { skipped: 'skipped (no gssapi_krb5.h: apt-get install libkrb5-dev)' };
  }
  const exe = join(dir, 'mit-gss');
  const src = ['./mit-gss.c', './mit-gss-creds.c'].map((f) => fileURLToPath(new URL(f, import.meta.url)));
  try {
    execFileSync('gcc', ['-O2', '-o', exe, ...src, '-lgssapi_krb5', '-lkrb5'], { stdio: 'pipe' });
  } catch (e) {
    return { skipped: `build failed (${(e as Error).message.split('\n')[0]})` };
  }
  return exe;
}

/** MIT's harness, kept running: one command per cell slice, one line back. */
export class MitHarness {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: string[] = [];
  #waiting: ((line: string) => void) | undefined;
  #buf = '';
  #err = '';
  #failed: ((e: Error) => void) | undefined;
  #exited: Error | undefined;

  readonly #seconds: number;

  /**
   * `args` after the executable: [-memory] POOLDIR NPOOL (bench/mit-gss.c); bench/fleet.ts gives
   * none and has the old single-ticket harness (pool of 0).
   */
  constructor(exe: string, env: NodeJS.ProcessEnv, seconds: number, args: readonly string[] = ['', '0']) {
    this.#seconds = seconds;
    const memory = args[0] === '-memory';
    const rest = memory ? args.slice(1) : args;
    const argv = [...(memory ? ['-memory'] : []), TARGET_SERVICE, ...rest];
    this.#child = spawn(exe, argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (d: string) => {
      this.#buf += d;
      for (let i = this.#buf.indexOf('\n'); i >= 0; i = this.#buf.indexOf('\n')) {
        const line = this.#buf.slice(0, i);
        this.#buf = this.#buf.slice(i + 1);
        const w = this.#waiting;
        this.#waiting = undefined;
        if (w) w(line);
        else this.#lines.push(line);
      }
    });
    this.#child.stderr.on('data', (d) => {
      this.#err += String(d);
    });
    this.#child.once('exit', (code) => {
      this.#exited = new Error(`mit-gss exited (${code}): ${this.#err.trim()}`);
      this.#failed?.(this.#exited);
    });
  }

  #next(): Promise<string> {
    const l = this.#lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.#exited) return Promise.reject(this.#exited);
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#failed = reject;
    });
  }

  async enctype(): Promise<number> {
    return Number((await this.#next()).split(' ')[1]);
  }

  /** One slice of "measure size": ops per CPU second (the first number after them). */
  async cell(key: string): Promise<number> {
    return (await this.command(key, this.#seconds))[0];
  }

  /** One command "measure size", with its own seconds; the numbers of the answer's line. */
  async command(key: string, seconds: number): Promise<number[]> {
    this.#child.stdin.write(`${key} ${seconds}\n`);
    return (await this.#next()).split(' ').slice(2).map(Number);
  }

  close(): void {
    this.#child.stdin.end();
  }
}
