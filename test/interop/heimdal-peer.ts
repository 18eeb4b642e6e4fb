/** Drives test/interop/c/heimdal-peer.c (Heimdal's libgssapi) as a GSS peer, one line per message. */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChannelBindings } from '../../src/gssapi/bindings.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { HEIMDAL_DEV, heimdalSkip } from '../harness/heimdal.js';
import { track } from '../harness/realm.js';

const SOURCE = fileURLToPath(new URL('./c/heimdal-peer.c', import.meta.url));

/** Skip without Heimdal, gcc or heimdal-multidev's headers, unless CI is set. */
export function heimdalPeerSkip(): string | false {
  const h = heimdalSkip();
  if (h || process.env.CI) return h;
  if (!existsSync('/usr/bin/gcc') || !existsSync(join(HEIMDAL_DEV.include, 'gssapi/gssapi.h'))) {
    return 'gcc or heimdal-multidev is not installed';
  }
  return false;
}

/** Compiles the peer against Heimdal's libgssapi into `exe`. */
export function buildHeimdalPeer(exe: string): void {
  execFileSync(
    'gcc',
    ['-Wall', '-O1', `-I${HEIMDAL_DEV.include}`, '-o', exe, SOURCE, `-L${HEIMDAL_DEV.libDir}`, '-lgssapi'],
    { stdio: 'pipe' },
  );
}

const peers = new Set<Peer>();

/** Closes every peer started so far (for afterEach). */
export async function closePeers(): Promise<void> {
  for (const p of peers) await p.close();
  peers.clear();
}

/** The C peer as a line stream: `next(tag)` reads the next line and checks its tag. */
export class Peer {
  readonly #child: ChildProcess;
  readonly #lines: string[] = [];
  readonly #waiting: ((l: string) => void)[] = [];
  #stderr = '';
  readonly exited: Promise<number | null>;

  constructor(exe: string, args: string[], env: NodeJS.ProcessEnv) {
    this.#child = track(spawn(exe, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    this.#child.stderr?.on('data', (d) => {
      this.#stderr += String(d);
    });
    this.#child.stdin?.on('error', () => undefined);
    createInterface({ input: this.#child.stdout! }).on('line', (l) => {
      const w = this.#waiting.shift();
      if (w) w(l);
      else this.#lines.push(l);
    });
    this.exited = new Promise((r) => this.#child.once('close', (code) => r(code)));
    peers.add(this);
  }

  line(): Promise<string> {
    const l = this.#lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    return new Promise((resolve, reject) => {
      // A peer waiting for input while we wait for its output would hang the run: give up.
      const timer = setTimeout(() => {
        this.#child.kill('SIGKILL');
        reject(new Error(`no line from the Heimdal peer in 10 s: ${this.#stderr}`));
      }, 10_000);
      this.#waiting.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
      this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`Heimdal peer exited: ${this.#stderr}`));
      });
    });
  }

  async next(tag: string): Promise<string> {
    const l = await this.line();
    assert.ok(l.startsWith(`${tag} `), `expected ${tag}, got: ${l} ${this.#stderr}`);
    return l.slice(tag.length + 1);
  }

  /** Ends its stdin; a peer still running a second later is killed. */
  async close(): Promise<void> {
    this.#child.stdin?.end();
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 1_000);
    await this.exited;
    clearTimeout(timer);
  }

  send(tag: string, bytes: Uint8Array): void {
    this.#child.stdin?.write(`${tag} ${toHex(bytes)}\n`);
  }
}

/** Sends our Wrap (confidential), Wrap (integrity only) and MIC of `text`; Heimdal checks them. */
export async function sendOurs(ctx: SecurityContext, peer: Peer, text: string): Promise<void> {
  const msg = new TextEncoder().encode(text);
  peer.send('wrap', ctx.wrap(msg, { confidential: true }));
  peer.send('wrapi', ctx.wrap(msg, { confidential: false }));
  peer.send('mic', ctx.getMic(msg));
  assert.equal(await peer.line(), `unwrapped 1 ${text}`);
  assert.equal(await peer.line(), `unwrapped 0 ${text}`);
  assert.equal(await peer.line(), 'micok');
}

/** Reads Heimdal's Wrap, integrity-only Wrap and MIC of `text`, and checks them. */
export async function checkTheirs(ctx: SecurityContext, peer: Peer, text: string): Promise<void> {
  const w = ctx.unwrap(fromHex(await peer.next('wrap')));
  assert.equal(new TextDecoder().decode(w.message), text);
  assert.equal(w.confidential, true);
  const wi = ctx.unwrap(fromHex(await peer.next('wrapi')));
  assert.equal(wi.confidential, false);
  assert.deepEqual(wi.message, w.message);
  assert.equal(ctx.verifyMic(w.message, fromHex(await peer.next('mic'))), 0);
}

/** Our acceptor for a Heimdal initiator: the context and the peer's line after its tokens. */
export async function acceptFrom(
  peer: Peer,
  keytab: string,
  channelBindings?: ChannelBindings,
): Promise<{ server: SecurityContext; line: string }> {
  const acceptor = await Credentials.acquire({ usage: 'accept', keytab: `FILE:${keytab}` });
  const server = SecurityContext.accept({ credentials: acceptor, channelBindings });
  let line = await peer.line();
  while (line.startsWith('token ')) {
    const reply = await server.step(fromHex(line.slice(6)));
    if (reply) peer.send('token', reply);
    line = await peer.line();
  }
  return { server, line };
}

/** Runs our initiator against the peer until our context is established. */
export async function exchangeAsInitiator(
  ctx: SecurityContext,
  peer: Peer,
  tokenFirst: Uint8Array | undefined,
) {
  let out = tokenFirst;
  while (out) {
    peer.send('token', out);
    if (ctx.isEstablished) break;
    out = await ctx.step(fromHex(await peer.next('token')));
  }
}
