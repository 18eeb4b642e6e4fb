/**
 * `FileReplayCache`: MIT's file2 replay cache (./file2.ts) on a path, locked as MIT locks it
 * (./file-lock.ts), so that our acceptors and MIT's on one host (say mod_auth_gssapi and a Node
 * service for the same principal) refuse each other's replays.
 *
 * A store takes the lock synchronously (one write and one blocking read to the lock helper, as
 * MIT blocks in fcntl) and keeps it until the event loop's next check phase (setImmediate): the
 * stores of one turn of the loop (a burst of accepts) share one lock and one read of the seed,
 * and MIT's acceptors wait at most that turn, as they wait for each other's stores. When another
 * process holds the lock, the stores wait in a queue, off the event loop, and go together under
 * the lock when it comes. Our descriptor stays open while the helper locks the same file, so a
 * cache file that is removed and made again is followed.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { randomBytes } from '../../crypto/index.js';
import { ioError } from '../config/files.js';
import { FileLock, type LockedFile } from './file-lock.js';
import { file2Seed, file2StoreSeeded, type RecordFile } from './file2.js';
import type { ReplayCache } from './replay-cache.js';

/** Options of a `FileReplayCache`. */
export interface FileReplayCacheOptions {
  /**
   * 'fcntl' (the default) takes MIT's lock; 'none' takes none, for a file used by this process
   * alone (our stores never overlap each other; anyone else's could interleave with ours).
   */
  readonly lock?: 'fcntl' | 'none';
  /**
   * MIT's dfl checks: open without following a symbolic link, and refuse a file another user
   * owns (the default location is a shared temporary directory).
   */
  readonly dfl?: boolean;
}

interface Pending {
  readonly tag: Uint8Array;
  readonly now: number;
  readonly skew: number;
  readonly resolve: (fresh: boolean) => void;
  readonly reject: (e: unknown) => void;
}

/** The lock as held for this turn of the event loop: the file, its seed, the release. */
interface Held {
  readonly io: RecordFile;
  readonly seed: Uint8Array;
  readonly release: NodeJS.Immediate;
}

const EIO = 5;

export class FileReplayCache implements ReplayCache {
  /** The replay cache file, in MIT's file2 format (as KRB5RCACHENAME=file2:PATH names it). */
  readonly path: string;
  readonly #dfl: boolean;
  readonly #lock: FileLock | undefined;
  #queue: Pending[] = [];
  #waiting = false;
  #held: Held | undefined;
  #fd: number | undefined;
  #dev = 0;
  #ino = 0;
  readonly #record = new Uint8Array(32);

  constructor(path: string, opts: FileReplayCacheOptions = {}) {
    this.path = path;
    this.#dfl = opts.dfl === true;
    this.#lock = opts.lock === 'none' ? undefined : new FileLock(path, this.#dfl);
  }

  /**
   * Synchronous (a boolean) when the lock is free or already ours; a promise when the lock
   * helper is starting or another process holds the lock. Failures reject, never throw.
   */
  checkAndStore(tag: Uint8Array, expiresAt: number, now: number): boolean | Promise<boolean> {
    // MIT's record holds whole seconds, and its window is the clockskew setting.
    const skew = Math.max(0, Math.round((expiresAt - now) / 1000));
    const sec = Math.floor(now / 1000);
    if (!this.#waiting) {
      try {
        const held = this.#held ?? this.#acquire();
        if (!(held instanceof Promise)) return this.#store(held, tag, sec, skew);
      } catch (e) {
        return Promise.reject(ioError(e, `replay cache ${this.path}`));
      }
    }
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ tag: tag.slice(), now: sec, skew, resolve, reject });
    });
  }

  /** Stops the lock helper and closes the file; a later store starts and opens them again. */
  close(): void {
    this.#release();
    this.#lock?.close();
    this.#closeFile();
  }

  /** Takes the lock: held now, or a promise while the helper starts or another process holds it. */
  #acquire(): Held | Promise<void> {
    const locked = this.#lock?.lock();
    if (!(locked instanceof Promise)) return this.#take(locked);
    this.#waiting = true;
    return locked.then(
      (l) => {
        this.#waiting = false;
        let held: Held;
        try {
          held = this.#take(l);
        } catch (e) {
          this.#fail(e);
          return;
        }
        const batch = this.#queue;
        this.#queue = [];
        for (const p of batch) {
          try {
            p.resolve(this.#store(held, p.tag, p.now, p.skew));
          } catch (e) {
            p.reject(ioError(e, `replay cache ${this.path}`));
          }
        }
      },
      (e: unknown) => {
        this.#waiting = false;
        this.#fail(e);
      },
    );
  }

  /** The lock is ours: open the file, read its seed, and let go at the next check phase. */
  #take(locked: LockedFile | undefined): Held {
    let seed: Uint8Array;
    let io: RecordFile;
    try {
      io = this.#io(this.#openFile(locked));
      seed = file2Seed(io, randomBytes);
    } catch (e) {
      this.#closeFile();
      if (locked) this.#lock?.unlock();
      throw e;
    }
    const held: Held = { io, seed, release: setImmediate(() => this.#release()) };
    this.#held = held;
    return held;
  }

  #store(held: Held, tag: Uint8Array, now: number, skew: number): boolean {
    try {
      return file2StoreSeeded(held.io, tag, now, skew, held.seed);
    } catch (e) {
      // The descriptor may be bad: give the lock back and open afresh next time.
      this.#release();
      this.#closeFile();
      throw e;
    }
  }

  #release(): void {
    const held = this.#held;
    if (!held) return;
    this.#held = undefined;
    clearImmediate(held.release);
    this.#lock?.unlock();
  }

  #fail(e: unknown): void {
    this.#closeFile();
    const err = ioError(e, `replay cache ${this.path}`);
    const batch = this.#queue;
    this.#queue = [];
    for (const p of batch) p.reject(err);
  }

  /**
   * Our descriptor for the file the helper locked. Kept open between batches while the helper's
   * file is the same one (device and inode); a file removed and made again is opened afresh, as
   * MIT opens the path for every store.
   */
  #openFile(locked: LockedFile | undefined): number {
    if (this.#fd !== undefined && (!locked || (locked.dev === this.#dev && locked.ino === this.#ino))) {
      return this.#fd;
    }
    this.#closeFile();
    const flags = constants.O_RDWR | constants.O_CREAT | (this.#dfl ? constants.O_NOFOLLOW : 0);
    const fd = openSync(this.path, flags, 0o600);
    try {
      const st = fstatSync(fd);
      if (locked && (st.dev !== locked.dev || st.ino !== locked.ino)) {
        throw ioError(
          { errno: EIO, code: 'EIO', message: 'the file changed while it was being locked' },
          this.path,
        );
      }
      const euid = process.geteuid?.();
      if (this.#dfl && euid !== undefined && st.uid !== euid) {
        throw ioError(
          { errno: EIO, code: 'EIO', message: `not owned by uid ${euid}` },
          `Replay cache file ${this.path}`,
        );
      }
      this.#dev = st.dev;
      this.#ino = st.ino;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.#fd = fd;
    return fd;
  }

  #closeFile(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #io(fd: number): RecordFile {
    const buf = this.#record;
    return {
      read(position, length) {
        const b = length <= buf.length ? buf : new Uint8Array(length);
        return b.subarray(0, readSync(fd, b, 0, length, position));
      },
      write(position, bytes) {
        if (writeSync(fd, bytes, 0, bytes.length, position) !== bytes.length) {
          throw ioError({ errno: EIO, code: 'EIO', message: 'short write' }, 'replay cache');
        }
      },
    };
  }
}
