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
  | { type: 'context'; id: number; token: Uint8Array; pending: Uint8Array; verbose?: boolean };
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
  /** Dispatches waiting for a `done`, by id, with the child serving each. */
  readonly #waiting = new Map<number, { child: ChildProcess; resolve: (r: DispatchResult) => void }>();
  readonly #key: Uint8Array;
  readonly #spec: WorkerSpec;
  readonly #log: (line: string) => void;
  #stopping = false;
  #next = 0;
  #id = 0;

  private constructor(
    children: ChildProcess[],
    key: Uint8Array,
    spec: WorkerSpec,
    log: (line: string) => void,
  ) {
    this.#children = children;
    this.#key = key;
    this.#spec = spec;
    this.#log = log;
    for (const child of children) this.#watch(child);
  }

  #watch(child: ChildProcess): void {
    child.on('message', (m: FromWorker) => {
      if (m.type === 'log') this.#log(`[worker ${child.pid}] ${m.line}`);
      if (m.type === 'done') {
        const w = this.#waiting.get(m.id);
        this.#waiting.delete(m.id);
        w?.resolve({
          pid: child.pid ?? 0,
          ...(m.report ? { report: m.report } : {}),
          ...(m.error ? { error: m.error } : {}),
        });
      }
    });
    child.on('exit', (code, signal) => {
      // Only this child's connections are lost; the listener and the other workers go on.
      for (const [id, w] of this.#waiting) {
        if (w.child !== child) continue;
        this.#waiting.delete(id);
        w.resolve({ pid: child.pid ?? 0, error: `worker exited (${signal ?? code})` });
      }
      if (this.#stopping) return;
      this.#log(`worker ${child.pid} exited (${signal ?? code}); starting another`);
      const i = this.#children.indexOf(child);
      startChildren(1, this.#key, this.#spec).then(
        ([fresh]) => {
          if (this.#stopping) {
            fresh.disconnect();
            return;
          }
          this.#children[i] = fresh;
          this.#watch(fresh);
        },
        (e: Error) => this.#log(`could not start a worker: ${e.message}`),
      );
    });
  }

  static async start(
    n: number,
    key: Uint8Array,
    spec: WorkerSpec = defaultSpec(),
    log: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  ): Promise<WorkerPool> {
    return new WorkerPool(await startChildren(n, key, spec), key, spec, log);
  }

  get pids(): number[] {
    return this.#children.map((c) => c.pid ?? 0);
  }

  /** The next live worker, round robin (a dead one is skipped until its replacement is up). */
  #pick(): ChildProcess | undefined {
    for (let i = 0; i < this.#children.length; i++) {
      const c = this.#children[this.#next++ % this.#children.length];
      if (c.connected && c.exitCode === null && c.signalCode === null) return c;
    }
    return undefined;
  }

  /** Hands a connection to the next worker (round robin); resolves when the worker is done with it. */
  async dispatch(token: Uint8Array, stream: FrameStream, verbose = false): Promise<DispatchResult> {
    await stream.flushed();
    const child = this.#pick();
    if (!child) {
      token.fill(0);
      stream.close();
      return { pid: 0, error: 'no live worker' };
    }
    const id = ++this.#id;
    const done = new Promise<DispatchResult>((resolve) => this.#waiting.set(id, { child, resolve }));
    const msg: ToWorker = { type: 'context', id, token, pending: stream.pending.slice(), verbose };
    child.send(msg, stream.socket, (err) => {
      token.fill(0);
      if (err) {
        // The socket did not leave this process: close it here.
        stream.close();
        const w = this.#waiting.get(id);
        this.#waiting.delete(id);
        w?.resolve({ pid: child.pid ?? 0, error: `hand-off failed: ${err.message}` });
      }
    });
    return done;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(
      this.#children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            if (c.connected) c.disconnect();
            setTimeout(() => c.kill('SIGKILL'), 2000).unref();
          }),
      ),
    );
  }
}

/** Forks `n` workers and gives each the sealing key; resolves when all are ready. */
async function startChildren(n: number, key: Uint8Array, spec: WorkerSpec): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    children.push(
      fork(spec.modulePath, spec.args, {
        execArgv: spec.execArgv ?? [],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          const onExit = (code: number | null) =>
            reject(new Error(`worker exited with code ${code} during start-up`));
          child.once('error', reject);
          child.once('exit', onExit);
          const onMessage = (m: FromWorker) => {
            if (m.type !== 'ready') return;
            child.off('exit', onExit);
            child.off('message', onMessage);
            resolve();
          };
          child.on('message', onMessage);
          child.send({ type: 'init', key } satisfies ToWorker);
        }),
    ),
  );
  return children;
}
