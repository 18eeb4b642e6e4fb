/**
 * Cyrus SASL's sample programs (Debian sasl2-bin, with libsasl2-modules-gssapi-mit) as a peer:
 * `sasl-sample-server` / `sasl-sample-client` speak lines on stdin/stdout, "S: <base64>" from the
 * server and "C: <base64>" from the client (an empty token is "C: " alone). The client's first
 * line carries the mechanism name, a NUL and the initial response. After authentication each
 * side sends one message through the security layer: 'srv message 1' then 'client message 1',
 * both with their C string's NUL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { track } from './realm.js';

export const CYRUS_BIN = {
  server: '/usr/sbin/sasl-sample-server',
  client: '/usr/bin/sasl-sample-client',
  gssapiPlugin: '/usr/lib/x86_64-linux-gnu/sasl2/libgssapiv2.so',
} as const;

export function cyrusAvailable(): boolean {
  return Object.values(CYRUS_BIN).every((f) => existsSync(f));
}

export class CyrusPeer {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiters: (() => void)[] = [];
  readonly #prefix: string;
  #closed = false;
  /** Every line the program printed, stdout and stderr, for assertions and failure reports. */
  readonly log: string[] = [];

  constructor(role: 'server' | 'client', args: string[], env: NodeJS.ProcessEnv) {
    // stdbuf: the samples use stdio, which buffers a pipe; each line must go out at once.
    this.#child = track(
      spawn('stdbuf', ['-o0', '-e0', role === 'server' ? CYRUS_BIN.server : CYRUS_BIN.client, ...args], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    this.#prefix = role === 'server' ? 'S:' : 'C:';
    const onLine = (l: string): void => {
      this.log.push(l);
      if (l.startsWith(this.#prefix)) this.#lines.push(l.slice(this.#prefix.length).trim());
      this.#wake();
    };
    createInterface({ input: this.#child.stdout as NodeJS.ReadableStream }).on('line', onLine);
    createInterface({ input: this.#child.stderr as NodeJS.ReadableStream }).on('line', (l) => {
      this.log.push(`stderr: ${l}`);
    });
    this.#child.once('exit', () => {
      this.#closed = true;
      this.#wake();
    });
    this.#child.stdin?.on('error', () => {});
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next token the program sent (its "S:" or "C:" line, base64-decoded). */
  async read(timeoutMs = 10_000): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.#lines.length === 0) {
      if (this.#closed) throw new Error(`the Cyrus sample exited:\n${this.log.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`no line from the Cyrus sample:\n${this.log.join('\n')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 200);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return new Uint8Array(Buffer.from(this.#lines.shift() ?? '', 'base64'));
  }

  /** Sends a token as our "C:" (to a server) or "S:" (to a client) line. */
  write(token: Uint8Array): void {
    const ours = this.#prefix === 'S:' ? 'C:' : 'S:';
    this.#child.stdin?.write(`${ours} ${Buffer.from(token).toString('base64')}\n`);
  }

  /** Waits until a line containing `text` was printed. */
  async waitFor(text: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.log.find((l) => l.includes(text));
      if (hit !== undefined) return hit;
      if (this.#closed || Date.now() > deadline)
        throw new Error(`the Cyrus sample never printed ${JSON.stringify(text)}:\n${this.log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGKILL');
    await exited;
  }
}

/** Skip only when a peer is absent and CI is unset (as interopSkip). */
export function cyrusSkip(mitPresent: boolean): string | false {
  if ((mitPresent && cyrusAvailable()) || process.env.CI) return false;
  return 'Cyrus SASL samples are not installed (apt-get install sasl2-bin libsasl2-modules-gssapi-mit)';
}
