/**
 * Worker processes for `gss server --workers N`: each is forked once, receives the sealing key
 * over its IPC channel (never argv, environment or disk), and then serves connections whose
 * exported context and socket the listener hands it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { MessageReport } from './messages.js';
import type { FrameStream } from './protocol.js';

export interface WorkerSpec {
  /** The module to fork. */
  modulePath: string;
  args: string[];
  execArgv?: string[];
}

/** Messages between the listener and a worker (structured clone over IPC). */
export type ToWorker =
  | { type: 'init'; key: Uint8Array }
  | { type: 'context'; id: number; token: Uint8Array; pending: Uint8Array };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | { type: 'done'; id: number; report?: MessageReport; error?: string };

export interface DispatchResult {
  pid: number;
  report?: MessageReport;
  error?: string;
}

function defaultSpec(): WorkerSpec {
  return { modulePath: process.argv[1], args: ['worker'], execArgv: process.execArgv };
}

export class WorkerPool {
  readonly #children: ChildProcess[];
  readonly #waiting = new Map<number, (r: DispatchResult) => void>();
  #next = 0;
  #id = 0;

  private constructor(children: ChildProcess[], log: (line: string) => void) {
    this.#children = children;
    for (const child of children) {
      child.on('message', (m: FromWorker) => {
        if (m.type === 'log') log(`[worker ${child.pid}] ${m.line}`);
        if (m.type === 'done') {
          const resolve = this.#waiting.get(m.id);
          this.#waiting.delete(m.id);
          resolve?.({
            pid: child.pid ?? 0,
            ...(m.report ? { report: m.report } : {}),
            ...(m.error ? { error: m.error } : {}),
          });
        }
      });
      child.on('exit', () => {
        for (const [id, resolve] of this.#waiting) {
          resolve({ pid: child.pid ?? 0, error: 'worker exited' });
          this.#waiting.delete(id);
        }
      });
    }
  }

  static async start(
    n: number,
    key: Uint8Array,
    spec: WorkerSpec = defaultSpec(),
    log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ): Promise<WorkerPool> {
    const children: ChildProcess[] = [];
    for (let i = 0; i < n; i++) {
      const child = fork(spec.modulePath, spec.args, {
        execArgv: spec.execArgv ?? [],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
    }
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.once('error', reject);
            child.once('exit', (code) =>
              reject(new Error(`worker exited with code ${code} during start-up`)),
            );
            child.on('message', (m: FromWorker) => {
              if (m.type === 'ready') resolve();
            });
            child.send({ type: 'init', key } satisfies ToWorker);
          }),
      ),
    );
    for (const c of children) c.removeAllListeners('exit');
    return new WorkerPool(children, log);
  }

  get pids(): number[] {
    return this.#children.map((c) => c.pid ?? 0);
  }

  /** Hands a connection to the next worker (round robin); resolves when the worker is done with it. */
  async dispatch(token: Uint8Array, stream: FrameStream): Promise<DispatchResult> {
    await stream.flushed();
    const child = this.#children[this.#next++ % this.#children.length];
    const id = ++this.#id;
    const done = new Promise<DispatchResult>((resolve) => this.#waiting.set(id, resolve));
    const msg: ToWorker = { type: 'context', id, token, pending: stream.pending.slice() };
    child.send(msg, stream.socket, (err) => {
      token.fill(0);
      if (err) {
        const resolve = this.#waiting.get(id);
        this.#waiting.delete(id);
        resolve?.({ pid: child.pid ?? 0, error: `hand-off failed: ${err.message}` });
      }
    });
    return done;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.disconnect();
            setTimeout(() => c.kill('SIGKILL'), 2000).unref();
          }),
      ),
    );
  }
}
