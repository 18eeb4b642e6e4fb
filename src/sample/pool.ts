/**
 * Worker processes for `gss server --workers N`: each is forked once, receives the sealing key
 * over its IPC channel (never argv, environment or disk), and then serves connections whose
 * exported context and socket the listener hands it.
 *
 * A hand-off is in two steps so that a worker's death loses only what it was serving: the
 * listener sends the socket with `keepOpen` (it keeps its own descriptor), the worker answers
 * `taken` before it reads a byte, and only then does the listener close its copy. A worker that
 * dies (or is stopped and then killed) with hand-offs not yet taken leaves them whole in the
 * listener (socket, unread bytes, sealed token), and they go to another worker or its
 * replacement; the connections it had taken close with it (the kernel drops its descriptors,
 * the listener holds none) and fail with `worker exited (SIGNAL)`.
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

/** What a worker applies to the connection it serves (the listener's limits). */
export interface ServeOptions {
  verbose: boolean;
  idleTimeoutMs: number;
  maxMessageSize: number;
}

/** Messages between the listener and a worker (structured clone over IPC). */
export type ToWorker =
  | { type: 'init'; key: Uint8Array }
  | ({ type: 'context'; id: number; token: Uint8Array; pending: Uint8Array } & ServeOptions);
export type FromWorker =
  | { type: 'ready' }
  | { type: 'log'; lines: string[] }
  | { type: 'taken'; id: number }
  | { type: 'done'; id: number; report?: MessageReport; error?: string; lines: string[] };

export interface DispatchResult {
  pid: number;
  report?: MessageReport;
  error?: string;
}

/** One connection on its way to a worker, or being served by one. */
interface Handoff {
  readonly id: number;
  readonly token: Uint8Array;
  readonly pending: Uint8Array;
  readonly stream: FrameStream;
  readonly options: ServeOptions;
  readonly resolve: (r: DispatchResult) => void;
  child?: ChildProcess;
  taken: boolean;
}

function defaultSpec(): WorkerSpec {
  return { modulePath: process.argv[1], args: ['worker'], execArgv: process.execArgv };
}

/** How long after a worker's exit its last IPC messages are waited for. */
const EXIT_GRACE_MS = 100;

const alive = (c: ChildProcess) => c.connected && c.exitCode === null && c.signalCode === null;

export class WorkerPool {
  readonly #children: ChildProcess[];
  readonly #handoffs = new Map<number, Handoff>();
  /** Hand-offs waiting for a live worker (all were dead; replacements are starting). */
  readonly #queue: Handoff[] = [];
  readonly #key: Uint8Array;
  readonly #spec: WorkerSpec;
  readonly #log: (line: string) => void;
  #starting = 0;
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

  #watch(child: ChildProcess): void {
    child.on('message', (m: FromWorker) => {
      // A worker's log lines, in order, before its 'done' takes effect.
      if (m.type === 'log' || m.type === 'done')
        for (const l of m.lines) this.#log(`[worker ${child.pid}] ${l}`);
      const h = m.type === 'taken' || m.type === 'done' ? this.#handoffs.get(m.id) : undefined;
      if (!h || h.child !== child) return;
      if (m.type === 'taken') {
        h.taken = true;
        h.token.fill(0);
        // The worker has its own descriptor now; closing ours leaves the connection open.
        h.stream.socket.destroy();
      } else if (m.type === 'done') {
        this.#finish(h, {
          pid: child.pid ?? 0,
          ...(m.report ? { report: m.report } : {}),
          ...(m.error ? { error: m.error } : {}),
        });
      }
    });
    // 'exit' can come before the last messages (a 'taken') are read, and 'disconnect' never
    // comes while Node waits for the dead child to acknowledge a socket: after 'exit', the
    // channel gets a moment to deliver what the worker wrote before it died.
    child.once('exit', () => {
      let done = false;
      const died = () => {
        if (done) return;
        done = true;
        this.#died(child);
      };
      if (!child.connected) return died();
      child.once('disconnect', died);
      setTimeout(died, EXIT_GRACE_MS).unref();
    });
  }

  #died(child: ChildProcess): void {
    const why = `${child.signalCode ?? child.exitCode}`;
    const orphans: Handoff[] = [];
    for (const h of this.#handoffs.values()) {
      if (h.child !== child) continue;
      if (h.taken) this.#finish(h, { pid: child.pid ?? 0, error: `worker exited (${why})` });
      else orphans.push(h);
    }
    if (this.#stopping) {
      for (const h of orphans) this.#finish(h, { pid: 0, error: 'server stopping' });
      return;
    }
    this.#log(`worker ${child.pid} exited (${why}); starting another`);
    const i = this.#children.indexOf(child);
    this.#starting++;
    startChildren(1, this.#key, this.#spec).then(
      ([fresh]) => {
        this.#starting--;
        if (this.#stopping) {
          fresh.disconnect();
          return;
        }
        this.#children[i] = fresh;
        this.#watch(fresh);
        for (const h of this.#queue.splice(0)) this.#send(h);
      },
      (e: Error) => {
        this.#starting--;
        this.#log(`could not start a worker: ${e.message}`);
        if (!this.#children.some(alive) && !this.#starting) {
          for (const h of this.#queue.splice(0)) this.#finish(h, { pid: 0, error: 'no live worker' });
        }
      },
    );
    for (const h of orphans) {
      this.#log(`connection ${h.id} not yet taken by worker ${child.pid}: handed to another`);
      this.#send(h);
    }
  }

  /** The next live worker, round robin (a dead one is skipped until its replacement is up). */
  #pick(): ChildProcess | undefined {
    for (let i = 0; i < this.#children.length; i++) {
      const c = this.#children[this.#next++ % this.#children.length];
      if (alive(c)) return c;
    }
    return undefined;
  }

  /** Hands a connection to the next worker; resolves when the worker is done with it. */
  async dispatch(token: Uint8Array, stream: FrameStream, options: ServeOptions): Promise<DispatchResult> {
    await stream.flushed();
    const pending = stream.pending;
    return new Promise<DispatchResult>((resolve) => {
      const h: Handoff = { id: ++this.#id, token, pending, stream, options, resolve, taken: false };
      this.#handoffs.set(h.id, h);
      this.#send(h);
    });
  }

  #send(h: Handoff): void {
    if (h.stream.socket.destroyed) {
      this.#finish(h, { pid: 0, error: 'connection closed before a worker took it' });
      return;
    }
    const child = this.#pick();
    if (!child) {
      h.child = undefined;
      if (this.#starting && !this.#stopping) this.#queue.push(h);
      else this.#finish(h, { pid: 0, error: 'no live worker' });
      return;
    }
    h.child = child;
    const msg: ToWorker = { type: 'context', id: h.id, token: h.token, pending: h.pending, ...h.options };
    child.send(msg, h.stream.socket, { keepOpen: true }, (err) => {
      // Not sent: the worker is going away (its death re-sends what it had), or the send failed.
      if (err && h.child === child && !h.taken && alive(child)) {
        this.#log(`hand-off to worker ${child.pid} failed: ${err.message}`);
        this.#finish(h, { pid: child.pid ?? 0, error: `hand-off failed: ${err.message}` });
      }
    });
  }

  #finish(h: Handoff, result: DispatchResult): void {
    if (!this.#handoffs.delete(h.id)) return;
    h.token.fill(0);
    // Ours is the only descriptor unless a worker took it: close (a failed hand-off) or drop it.
    if (!h.taken) h.stream.close();
    h.resolve(result);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const h of this.#queue.splice(0)) this.#finish(h, { pid: 0, error: 'server stopping' });
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
