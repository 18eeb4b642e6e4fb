/**
 * Encrypt+decrypt throughput of our enctypes, beside the ceiling measured in the same run (raw
 * node:crypto AES-CBC encrypt and decrypt plus two HMACs over the same size, with prepared key
 * objects: what any implementation on node:crypto must pay) and beside MIT krb5
 * (bench/mit-crypto.c, built with gcc against libk5crypto into a temp dir, when available).
 *
 *   node --import tsx bench/crypto.ts [--seconds S] [--rounds N] [--no-mit] [--assert]
 *
 * Throughput is per CPU second of this process (user + system), measured in alternating slices
 * (ours, ceiling, ours, ...), so other processes on a shared machine hurt both sides alike.
 * MIT's harness reports CPU time too. --assert exits 1 when a ratio at 64 KiB or more is under 0.85.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decrypt, encrypt, getProfile, randomBytes, randomKey } from '../src/crypto/index.js';

const SIZES = [16, 1024, 65536, 1048576];
const ENCTYPES = [17, 18, 19, 20];
const TARGET = 0.85;

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seconds = opt('--seconds', 0.6);
const rounds = opt('--rounds', 8);

/** CPU seconds of this process (user + system): time spent preempted by other processes on a
 * shared machine is not charged to whichever side happened to be running. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

interface Tally {
  ops: number;
  cpu: number;
}

/** Runs `op` for about `budget` CPU seconds, adding to `t`. */
function run(op: () => void, budget: number, t: Tally): void {
  const t0 = cpuSeconds();
  let ops = 0;
  let batch = 1;
  let spent = 0;
  while (spent < budget) {
    for (let i = 0; i < batch; i++) op();
    ops += batch;
    spent = cpuSeconds() - t0;
    if (spent < budget / 8) batch *= 2;
  }
  t.ops += ops;
  t.cpu += spent;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/**
 * Ours and the ceiling in alternating slices, so both see the same machine state. Returns the
 * median throughput of each and the median of the per-slice ratios (robust to a noisy slice).
 */
function measurePair(ours: () => void, ceiling: () => void, bytes: number): [number, number, number] {
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const x: Tally = { ops: 0, cpu: 0 };
    const y: Tally = { ops: 0, cpu: 0 };
    run(ours, seconds / rounds / 2, x);
    run(ceiling, seconds / rounds / 2, y);
    a.push((x.ops * bytes) / x.cpu);
    b.push((y.ops * bytes) / y.cpu);
    ratios.push(a[r] / b[r]);
  }
  return [median(a), median(b), median(ratios)];
}

function ceilingOp(enctype: number, data: Uint8Array): () => void {
  const p = getProfile(enctype);
  const cipher = p.keyBytes === 16 ? 'aes-128-cbc' : 'aes-256-cbc';
  const ke: KeyObject = createSecretKey(randomBytes(p.keyBytes));
  const ki: KeyObject = createSecretKey(randomBytes(p.kcBytes));
  const iv = new Uint8Array(16);
  return () => {
    const c = createCipheriv(cipher, ke, iv);
    c.setAutoPadding(false);
    const ct = c.update(data);
    c.final();
    createHmac(p.hash, ki).update(ct).digest();
    const d = createDecipheriv(cipher, ke, iv);
    d.setAutoPadding(false);
    d.update(ct);
    d.final();
    createHmac(p.hash, ki).update(ct).digest();
  };
}

function oursOp(enctype: number, data: Uint8Array): () => void {
  const key = randomKey(enctype);
  return () => {
    decrypt(key, 2, encrypt(key, 2, data));
  };
}

/** MIT's numbers by "enctype size", or the reason there are none. */
function mitThroughput(): Map<string, number> | string {
  if (args.includes('--no-mit')) return 'skipped (--no-mit)';
  if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/krb5/krb5.h')) {
    return 'skipped (no krb5.h: apt-get install libkrb5-dev)';
  }
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-bench-'));
  try {
    const src = fileURLToPath(new URL('./mit-crypto.c', import.meta.url));
    const exe = join(dir, 'mit-crypto');
    execFileSync('gcc', ['-O2', '-o', exe, src, '-lkrb5', '-lk5crypto', '-lcom_err'], { stdio: 'pipe' });
    const out = execFileSync(exe, [String(seconds / 2), ...SIZES.map(String)], { encoding: 'utf8' });
    const m = new Map<string, number>();
    for (const line of out.trim().split('\n')) {
      const [e, s, bps] = line.split(' ');
      m.set(`${e} ${s}`, Number(bps));
    }
    return m;
  } catch (e) {
    return `failed (${(e as Error).message.split('\n')[0]})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bps: number) => (bps / 1e6).toFixed(1).padStart(9);
const sizeName = (n: number) =>
  n >= 1048576 ? `${n / 1048576} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`;

function main(): void {
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpus()[0]?.model ?? 'cpu?'}`);
  console.log(
    `encrypt+decrypt of one message: MB/s of plaintext per CPU second (medians of ${rounds} alternating slices, ${seconds} s per cell)`,
  );
  const ours = new Map<string, number>();
  const ceiling = new Map<string, number>();
  const ratios = new Map<string, number>();
  const cells = ENCTYPES.flatMap((e) => SIZES.map((s) => ({ e, s, data: randomBytes(s) })));
  const ops = cells.map((c) => ({ ...c, ours: oursOp(c.e, c.data), ceiling: ceilingOp(c.e, c.data) }));
  for (const c of ops) {
    // Warm up: JIT, key derivation cache, OpenSSL's first use.
    run(c.ours, 0.01, { ops: 0, cpu: 0 });
    run(c.ceiling, 0.01, { ops: 0, cpu: 0 });
  }
  for (const c of ops) {
    const [o, x, q] = measurePair(c.ours, c.ceiling, c.s);
    ours.set(`${c.e} ${c.s}`, o);
    ceiling.set(`${c.e} ${c.s}`, x);
    ratios.set(`${c.e} ${c.s}`, q);
  }
  const mit = mitThroughput();
  if (typeof mit === 'string') console.log(`MIT krb5: ${mit}`);
  console.log(
    `${'enctype'.padEnd(28)}${'size'.padStart(9)}${'ours'.padStart(10)}${'ceiling'.padStart(10)}${'ratio'.padStart(7)}` +
      `${'MIT'.padStart(10)}${'ours/MIT'.padStart(9)}`,
  );
  let shortfall = false;
  for (const { e, s } of cells) {
    const k = `${e} ${s}`;
    const o = ours.get(k) ?? 0;
    const c = ceiling.get(k) ?? 1;
    const ratio = ratios.get(k) ?? 0;
    if (s >= 65536 && ratio < TARGET) shortfall = true;
    const m = typeof mit === 'string' ? undefined : mit.get(k);
    console.log(
      `${getProfile(e).name.padEnd(28)}${sizeName(s).padStart(9)}${mb(o)} ${mb(c)}${ratio.toFixed(2).padStart(7)}` +
        `${m === undefined ? '        -' : mb(m)} ${m === undefined ? '       -' : (o / m).toFixed(2).padStart(8)}`,
    );
  }
  console.log(`target: ratio >= ${TARGET} at 64 KiB and above: ${shortfall ? 'MISSED' : 'met'}`);
  if (shortfall && args.includes('--assert')) process.exitCode = 1;
}

main();
