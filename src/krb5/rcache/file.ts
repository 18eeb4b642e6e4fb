/**
 * `FileReplayCache`: MIT's file2 replay cache (./file2.ts) on a path, locked as MIT locks it
 * (./file-lock.ts), so that our acceptors and MIT's on one host (say mod_auth_gssapi and a Node
 * service for the same principal) refuse each other's replays.
 *
 * Stores arriving while the lock is held wait in a queue and are all done under the next lock:
 * one helper round trip serves a burst of accepts. Our descriptor stays open while the helper
 * locks the same file, so a cache file that is removed and made again is followed.
 */
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { randomBytes } from '../../crypto/index.js';
import { ioError } from '../config/files.js';
import { FileLock, type LockedFile } from './file-lock.js';
import { file2Store, type RecordFile } from './file2.js';
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

const EIO = 5;

export class FileReplayCache implements ReplayCache {
  /** The replay cache file, in MIT's file2 format (as KRB5RCACHENAME=file2:PATH names it). */
  readonly path: string;
  readonly #dfl: boolean;
  readonly #lock: FileLock | undefined;
  #queue: Pending[] = [];
  #busy = false;
  #fd: number | undefined;
  #dev = 0;
  #ino = 0;

  constructor(path: string, opts: FileReplayCacheOptions = {}) {
    this.path = path;
    this.#dfl = opts.dfl === true;
    this.#lock = opts.lock === 'none' ? undefined : new FileLock(path, this.#dfl);
  }

  checkAndStore(tag: Uint8Array, expiresAt: number, now: number): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      // MIT's record holds whole seconds, and its window is the clockskew setting.
      const skew = Math.max(0, Math.round((expiresAt - now) / 1000));
      this.#queue.push({ tag: tag.slice(), now: Math.floor(now / 1000), skew, resolve, reject });
      if (!this.#busy) void this.#drain();
    });
  }

  /** Stops the lock helper and closes the file; a later store starts and opens them again. */
  close(): void {
    this.#lock?.close();
    this.#closeFile();
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      let locked: LockedFile | undefined;
      try {
        locked = this.#lock ? await this.#lock.lock() : undefined;
        const fd = this.#openFile(locked);
        for (const p of batch) {
          try {
            p.resolve(file2Store(this.#io(fd), p.tag, p.now, p.skew, randomBytes));
          } catch (e) {
            p.reject(ioError(e, `replay cache ${this.path}`));
          }
        }
      } catch (e) {
        this.#closeFile();
        const err = ioError(e, `replay cache ${this.path}`);
        for (const p of batch) p.reject(err);
      } finally {
        if (locked) this.#lock?.unlock();
      }
    }
    this.#busy = false;
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
    return {
      read(position, length) {
        const b = new Uint8Array(length);
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
