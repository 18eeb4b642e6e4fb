/**
 * The replay cache file's lock, as MIT takes it (krb5_lock_file, os/lock_file.c): an exclusive
 * POSIX record lock on the whole file, F_SETLKW (MIT prefers open-file-description locks, which
 * contend with these). Node has no fcntl(2), and flock(2) locks do not exclude fcntl locks on
 * Linux, so the lock is held by a small Perl process (perl-base is Essential on Debian) that
 * opens the file and locks and unlocks it on request over its stdin; while it holds the lock, we
 * do the I/O on our own descriptor, and MIT's acceptors wait in fcntl as they would for each
 * other. The lock is advisory, so who holds it does not matter, only that everyone asks for it.
 *
 * Protocol, one byte a request: "L" opens and locks, answered "l DEV INO" (the locked file, so
 * that we can check we opened the same one) or "e ERRNO MESSAGE"; "U" unlocks and closes,
 * unanswered. End of stdin (our exit) ends the helper and so releases the lock.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';

// struct flock on 64-bit Linux (x86-64, arm64): short l_type, short l_whence, 4 bytes of
// padding, off_t l_start, off_t l_len, pid_t l_pid, 4 bytes of padding.
const HELPER = `
use strict; use Fcntl;
$| = 1;
my ($path, $nofollow) = @ARGV;
my $fh;
sub flk { pack('s s x4 q q l x4', $_[0], 0, 0, 0, 0) }
while (defined(my $c = getc(STDIN))) {
  if ($c eq 'L') {
    if (!sysopen($fh, $path, O_RDWR | O_CREAT | ($nofollow ? O_NOFOLLOW : 0), 0600)) { printf "e %d %s\\n", $!+0, $!; next; }
    if (!fcntl($fh, F_SETLKW, flk(F_WRLCK))) { printf "e %d %s\\n", $!+0, $!; close($fh); next; }
    my @st = stat($fh);
    print "l $st[0] $st[1]\\n";
  } elsif ($c eq 'U') {
    fcntl($fh, F_SETLKW, flk(F_UNLCK)); close($fh);
  }
}
`;

/** Whether this platform's struct flock is the one the helper packs. */
function supported(): boolean {
  return process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');
}

export interface LockedFile {
  readonly dev: number;
  readonly ino: number;
}

/** One helper per cache file; `lock()` calls must not overlap (the cache queues its stores). */
export class FileLock {
  readonly #path: string;
  readonly #noFollow: boolean;
  #child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  #buf = '';
  #waiter: { resolve: (line: string) => void; reject: (e: Error) => void } | undefined;

  /** `noFollow`: open as MIT's dfl type does, refusing a symbolic link. */
  constructor(path: string, noFollow: boolean) {
    this.#path = path;
    this.#noFollow = noFollow;
  }

  /** Locks the file (waiting for MIT's acceptors and ours); resolves with the locked file's ids. */
  async lock(): Promise<LockedFile> {
    const child = this.#helper();
    const out = child.stdout as Readable as Socket;
    out.ref();
    try {
      const answer = new Promise<string>((resolve, reject) => {
        this.#waiter = { resolve, reject };
      });
      child.stdin.write('L');
      const line = await answer;
      const [kind, a, ...rest] = line.split(' ');
      if (kind === 'l') return { dev: Number(a), ino: Number(rest[0]) };
      throw new GssError(
        GSS_S_FAILURE,
        Number(a) || MINOR.KRB5_RC_IO_IO,
        `replay cache ${this.#path}: ${rest.join(' ')}`,
      );
    } finally {
      out.unref();
    }
  }

  unlock(): void {
    this.#child?.stdin.write('U');
  }

  /** Ends the helper (which releases any lock it holds). */
  close(): void {
    this.#child?.stdin.end();
    this.#child = undefined;
  }

  #helper(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.#child) return this.#child;
    if (!supported()) {
      throw new GssError(
        GSS_S_FAILURE,
        MINOR.KRB5_RC_IO_IO,
        `replay cache file locking needs 64-bit Linux (this is ${process.platform}/${process.arch}); use lock: 'none' for one process alone`,
      );
    }
    const child = spawn('perl', ['-e', HELPER, this.#path, this.#noFollow ? '1' : ''], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (d: string) => {
      this.#buf += d;
      const nl = this.#buf.indexOf('\n');
      if (nl < 0) return;
      const line = this.#buf.slice(0, nl);
      this.#buf = this.#buf.slice(nl + 1);
      const w = this.#waiter;
      this.#waiter = undefined;
      w?.resolve(line);
    });
    const gone = (why: string) => {
      if (this.#child === child) this.#child = undefined;
      const w = this.#waiter;
      this.#waiter = undefined;
      w?.reject(new GssError(GSS_S_FAILURE, MINOR.KRB5_RC_IO_IO, `replay cache lock helper (perl): ${why}`));
    };
    child.on('error', (e) => gone(e.message));
    child.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    // Idle, the helper does not keep the process alive; a pending lock() refs its stdout.
    child.unref();
    (child.stdout as Readable as Socket).unref();
    (child.stdin as Writable as Socket).unref();
    this.#child = child;
    return child;
  }
}
