/**
 * Drives test/interop/c/lucid.c: an MIT krb5 context pair in one process, answering per-message
 * commands line by line. See the C file for the protocol.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Key } from '../../src/crypto/key.js';
import type { ContextState } from '../../src/gssapi/mech/krb5/context-state.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { MIT_BIN, type Realm, track } from '../harness/realm.js';
import { makeContext } from '../unit/tokens/context-pair.js';

const C_SOURCE = new URL('./c/lucid.c', import.meta.url).pathname;

/** Compiles lucid.c into `dir` (gcc, libgssapi_krb5 and libkrb5 from libkrb5-dev). */
export function buildLucid(dir: string): string {
  const exe = join(dir, 'lucid');
  if (!existsSync(exe)) execFileSync('gcc', ['-Wall', '-O1', '-o', exe, C_SOURCE, '-lgssapi_krb5', '-lkrb5']);
  return exe;
}

/** A krb5.conf and a ccache of alice's, both for one enctype only (TGT and service ticket). */
export function enctypeEnv(realm: Realm, enctype: string): NodeJS.ProcessEnv {
  const conf = join(realm.dir, `krb5-${enctype}.conf`);
  const text = readFileSync(realm.krb5Conf, 'utf8').replace(
    '[libdefaults]\n',
    `[libdefaults]\n  default_tkt_enctypes = ${enctype}\n  default_tgs_enctypes = ${enctype}\n`,
  );
  writeFileSync(conf, text);
  const ccache = `FILE:${join(realm.dir, `alice-${enctype}.ccache`)}`;
  const env = { ...realm.env, KRB5_CONFIG: conf, KRB5CCNAME: ccache };
  realm.run(MIT_BIN.kinit, ['-k', '-t', realm.keytabs.alice, '-c', ccache, 'alice'], { env });
  return env;
}

export interface Lucid {
  initiate: boolean;
  protocol: number;
  sendSeq: bigint;
  recvSeq: bigint;
  ctxKey: Key;
  acceptorSubkey?: Key;
}

export type Side = 'I' | 'A';

export class MitPeer {
  readonly #child: ChildProcess;
  readonly #lines: Interface;
  readonly #waiting: ((line: string) => void)[] = [];
  readonly #ready: Promise<string>;

  constructor(exe: string, env: NodeJS.ProcessEnv, mutual: boolean) {
    const args = ['gsstest@localhost', ...(mutual ? [] : ['nomutual'])];
    this.#child = track(spawn(exe, args, { env, stdio: ['pipe', 'pipe', 'inherit'] }));
    this.#lines = createInterface({ input: this.#child.stdout as NodeJS.ReadableStream });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(line));
    this.#ready = this.#next();
  }

  #next(): Promise<string> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async ready(): Promise<void> {
    const line = await this.#ready;
    if (line !== 'READY') throw new Error(`MIT context establishment failed: ${line}`);
  }

  async #cmd(...words: string[]): Promise<string> {
    const p = this.#next();
    this.#child.stdin?.write(`${words.join(' ')}\n`);
    return p;
  }

  async lucid(side: Side): Promise<Lucid> {
    const w = (await this.#cmd('lucid', side)).split(' ');
    if (w[0] !== 'LUCID') throw new Error(`lucid: ${w.join(' ')}`);
    const key = (etype: string, hex: string): Key => ({ enctype: Number(etype), keyvalue: fromHex(hex) });
    return {
      initiate: w[1] === '1',
      protocol: Number(w[2]),
      sendSeq: BigInt(w[3]),
      recvSeq: BigInt(w[4]),
      ctxKey: key(w[6], w[7]),
      acceptorSubkey: w[8] === '1' ? key(w[9], w[10]) : undefined,
    };
  }

  async wrap(side: Side, conf: boolean, msg: Uint8Array): Promise<Uint8Array> {
    return fromHex(expectOk(await this.#cmd('wrap', side, conf ? '1' : '0', hex(msg)))[0]);
  }
  async mic(side: Side, msg: Uint8Array): Promise<Uint8Array> {
    return fromHex(expectOk(await this.#cmd('mic', side, hex(msg)))[0]);
  }
  /** "OK <supplementary> <conf> <msg hex>" or "ERR <major> <minor text>". */
  async unwrap(side: Side, token: Uint8Array): Promise<string> {
    return this.#cmd('unwrap', side, hex(token));
  }
  /** "OK <supplementary>" or "ERR <major> <minor text>". */
  async verify(side: Side, msg: Uint8Array, token: Uint8Array): Promise<string> {
    return this.#cmd('verify', side, hex(msg), hex(token));
  }
  async limit(side: Side, conf: boolean, size: number): Promise<number> {
    return Number(expectOk(await this.#cmd('limit', side, conf ? '1' : '0', String(size)))[0]);
  }

  async close(): Promise<void> {
    this.#child.stdin?.end();
    if (this.#child.exitCode === null) await new Promise((r) => this.#child.once('exit', r));
  }
}

function hex(b: Uint8Array): string {
  return b.length === 0 ? '-' : toHex(b);
}

function expectOk(line: string): string[] {
  const w = line.split(' ');
  if (w[0] !== 'OK') throw new Error(`MIT said: ${line}`);
  return w.slice(1);
}

/** Our ContextState continuing exactly where MIT's context of this lucid record stands. */
export function contextFromLucid(l: Lucid, flags: number): ContextState {
  return makeContext({
    locallyInitiated: l.initiate,
    subkey: l.ctxKey,
    acceptorSubkey: l.acceptorSubkey,
    sendSeq: l.sendSeq,
    recvSeq: l.recvSeq,
    flags,
  });
}
