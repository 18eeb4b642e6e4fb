/**
 * The replay cache file's lock, as MIT takes it (krb5_lock_file, os/lock_file.c): an exclusive
 * POSIX record lock on the whole file, F_SETLKW (MIT prefers open-file-description locks, which
 * contend with these). Node has no fcntl(2), and flock(2) locks do not exclude fcntl locks on
 * Linux, so the lock is held by a small Perl process (perl-base is Essential on Debian) that
 * locks and unlocks the file on request; while it holds the lock, we do the I/O on our own
 * descriptor, and MIT's acceptors wait in fcntl as they would for each other. The lock is
 * advisory, so who holds it does not matter, only that everyone asks for it.
 *
 * The channel is a pair of named pipes that we open in blocking mode, so that a lock is one
 * write and one blocking read, as MIT blocks in fcntl, rather than a turn of the event loop
 * (docs/performance.md measured the turn at several times the cost of the whole store). The
 * helper first tries F_SETLK: when another process holds the lock it says "w" and waits in
 * F_SETLKW, and we wait for its answer on the thread pool, so that the event loop runs on.
 *
 * Protocol, one byte a request: "L" locks, answered "l DEV INO" (the locked file, so that we can
 * check we opened the same one; the helper keeps its descriptor while the path names the same
 * file and opens it again otherwise, as MIT opens the path for every store), or "w" and later
 * one of the others, or "e ERRNO MESSAGE"; "U" unlocks, unanswered. The end of the request pipe
 * (our exit, or close()) ends the helper and so releases the lock.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, read, readSync, rmSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { MINOR } from '../../errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../errors/status.js';

// struct flock on 64-bit Linux (x86-64, arm64): short l_type, short l_whence, 4 bytes of
// padding, off_t l_start, off_t l_len, pid_t l_pid, 4 bytes of padding. The named pipes are
// opened read-write first (which never blocks on Linux), then, once we have our ends, in their
// one direction, so that each side sees the end of file when the other goes; they are removed
// as soon as both sides hold them.
const HELPER = `
use strict; use Fcntl; use POSIX ();
my ($dir, $path, $nofollow) = @ARGV;
my ($q, $a, $fh, $c, $q1, $a1);
my @held = (-1, -1);
for my $n ('q', 'a') { POSIX::mkfifo("$dir/$n", 0600) or die "mkfifo: $!\\n"; }
sysopen($q, "$dir/q", O_RDWR) && sysopen($a, "$dir/a", O_RDWR) or die "open: $!\\n";
syswrite(STDOUT, "ready\\n");
sysread($q, $c, 1) or exit;
sysopen($q1, "$dir/q", O_RDONLY) && sysopen($a1, "$dir/a", O_WRONLY) or die "open: $!\\n";
close($q); close($a); ($q, $a) = ($q1, $a1);
unlink("$dir/q", "$dir/a"); rmdir($dir); close(STDOUT); syswrite($a, "h\\n");
my $wr = pack('s s x4 q q l x4', F_WRLCK, 0, 0, 0, 0);
my $un = pack('s s x4 q q l x4', F_UNLCK, 0, 0, 0, 0);
sub fail { syswrite($a, sprintf("e %d %s\\n", $!+0, $!)); }
while (sysread($q, $c, 1)) {
  if ($c eq 'L') {
    my @st = stat($path);
    if (!$fh || !@st || $st[0] != $held[0] || $st[1] != $held[1]) {
      close($fh) if $fh; undef $fh;
      if (!sysopen($fh, $path, O_RDWR | O_CREAT | ($nofollow ? O_NOFOLLOW : 0), 0600)) { undef $fh; fail(); next; }
      @held = (stat($fh))[0, 1];
    }
    if (!fcntl($fh, F_SETLK, $wr)) {
      syswrite($a, "w\\n");
      if (!fcntl($fh, F_SETLKW, $wr)) { fail(); next; }
    }
    syswrite($a, "l $held[0] $held[1]\\n");
  } elsif ($c eq 'U' && $fh) {
    fcntl($fh, F_SETLK, $un);
  }
}
`;

/** Whether this platform's struct flock is the one the helper packs. */
function supported(): boolean {
  return process.platform === 'linux' && (process.arch === 'x64' || process.arch === 'arm64');
}

/** The file the helper locked (device and inode), to check that ours is the same. */
export interface LockedFile {
  readonly dev: number;
  readonly ino: number;
}

interface Channel {
  readonly child: ChildProcessByStdio<null, Readable, null>;
  readonly request: number;
  readonly answer: number;
}

const L = Uint8Array.of(0x4c);
const U = Uint8Array.of(0x55);

/** One helper per cache file; `lock()` calls must not overlap (the cache serializes them). */
export class FileLock {
  readonly #path: string;
  readonly #noFollow: boolean;
  #channel: Channel | undefined;
  #starting: Promise<Channel> | undefined;
  readonly #buf = Buffer.alloc(512);
  #have = 0;

  /** `noFollow`: open as MIT's dfl type does, refusing a symbolic link. */
  constructor(path: string, noFollow: boolean) {
    this.#path = path;
    this.#noFollow = noFollow;
  }

  /**
   * Locks the file, waiting for MIT's acceptors and ours. Synchronous (one write and one blocking
   * read) when nobody else holds the lock; a promise when the helper is starting or must wait.
   */
  lock(): LockedFile | Promise<LockedFile> {
    const ch = this.#channel;
    if (!ch) return this.#start().then((c) => this.#lockOn(c));
    return this.#lockOn(ch);
  }

  unlock(): void {
    const ch = this.#channel;
    if (!ch) return;
    try {
      writeSync(ch.request, U);
    } catch {
      // The helper is gone, and its lock with it; the next lock() reports the failure.
      this.close();
    }
  }

  /** Ends the helper (which releases any lock it holds). */
  close(): void {
    const ch = this.#channel;
    this.#channel = undefined;
    this.#have = 0;
    if (!ch) return;
    closeSync(ch.request);
    closeSync(ch.answer);
    if (ch.child.exitCode === null && ch.child.signalCode === null) ch.child.kill();
  }

  #lockOn(ch: Channel): LockedFile | Promise<LockedFile> {
    try {
      writeSync(ch.request, L);
      const line = this.#lineSync(ch);
      if (line !== 'w') return this.#locked(line);
    } catch (e) {
      this.close();
      throw this.#failure(e);
    }
    // Someone else holds the lock: wait for the helper's next line on the thread pool.
    return this.#lineAsync(ch).then(
      (line) => this.#locked(line),
      (e: unknown) => {
        this.close();
        throw this.#failure(e);
      },
    );
  }

  #locked(line: string): LockedFile {
    const [kind, a, ...rest] = line.split(' ');
    if (kind === 'l' && rest.length === 1) return { dev: Number(a), ino: Number(rest[0]) };
    if (kind === 'e') {
      throw new GssError(
        GSS_S_FAILURE,
        Number(a) || MINOR.KRB5_RC_IO_IO,
        `replay cache ${this.#path}: ${rest.join(' ')}`,
      );
    }
    throw this.#failure(new Error(`unexpected answer '${line.slice(0, 40)}'`));
  }

  /** The next whole line from the helper, blocking; the end of file is the helper's exit. */
  #lineSync(ch: Channel): string {
    for (;;) {
      const line = this.#takeLine();
      if (line !== undefined) return line;
      if (this.#have === this.#buf.length) throw new Error('answer too long');
      const n = readSync(ch.answer, this.#buf, this.#have, this.#buf.length - this.#have, null);
      if (n === 0) throw new Error('exited');
      this.#have += n;
    }
  }

  async #lineAsync(ch: Channel): Promise<string> {
    for (;;) {
      const line = this.#takeLine();
      if (line !== undefined) return line;
      if (this.#have === this.#buf.length) throw new Error('answer too long');
      const n = await new Promise<number>((resolve, reject) =>
        read(ch.answer, this.#buf, this.#have, this.#buf.length - this.#have, null, (e, got) =>
          e ? reject(e) : resolve(got),
        ),
      );
      if (n === 0) throw new Error('exited');
      this.#have += n;
    }
  }

  #takeLine(): string | undefined {
    const nl = this.#buf.indexOf(10);
    if (nl < 0 || nl >= this.#have) return undefined;
    const line = this.#buf.toString('latin1', 0, nl);
    this.#buf.copyWithin(0, nl + 1, this.#have);
    this.#have -= nl + 1;
    return line;
  }

  #failure(e: unknown): GssError {
    if (e instanceof GssError) return e;
    const why = (e as Error)?.message ?? String(e);
    return new GssError(GSS_S_FAILURE, MINOR.KRB5_RC_IO_IO, `replay cache lock helper (perl): ${why}`);
  }

  /** Starts the helper and opens our ends of its pipes (once; a failed start is tried again). */
  #start(): Promise<Channel> {
    if (!supported()) {
      return Promise.reject(
        new GssError(
          GSS_S_FAILURE,
          MINOR.KRB5_RC_IO_IO,
          `replay cache file locking needs 64-bit Linux (this is ${process.platform}/${process.arch}); use lock: 'none' for one process alone`,
        ),
      );
    }
    this.#starting ??= this.#spawn().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  async #spawn(): Promise<Channel> {
    const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-rclock-'));
    let child: ChildProcessByStdio<null, Readable, null> | undefined;
    let request: number | undefined;
    let answer: number | undefined;
    try {
      const c = spawn('perl', ['-e', HELPER, dir, this.#path, this.#noFollow ? '1' : ''], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child = c;
      c.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        let out = '';
        c.stdout.setEncoding('latin1');
        c.stdout.on('data', (d: string) => {
          out += d;
          if (out.includes('\n')) resolve();
        });
        c.once('error', reject);
        c.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code})`)));
      });
      // The helper holds both pipes open read-write, so these opens do not block.
      request = openSync(join(dir, 'q'), constants.O_WRONLY);
      answer = openSync(join(dir, 'a'), constants.O_RDONLY);
      writeSync(request, 'H');
      const ch: Channel = { child: c, request, answer };
      // "h": the helper has its one-way ends and has removed the pipes' names.
      const hello = this.#lineSync(ch);
      if (hello !== 'h') throw new Error(`unexpected answer '${hello.slice(0, 40)}'`);
      // Idle, the helper does not keep the process alive.
      c.unref();
      (c.stdout as Readable as Socket).unref();
      c.once('exit', () => {
        if (this.#channel === ch) this.close();
      });
      this.#channel = ch;
      return ch;
    } catch (e) {
      if (request !== undefined) closeSync(request);
      if (answer !== undefined) closeSync(answer);
      this.#have = 0;
      child?.kill();
      throw this.#failure(e);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
