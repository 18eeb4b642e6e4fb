/**
 * GSS-API throughput of ours beside MIT krb5 1.20 (bench/mit-gss.c, built with gcc against
 * libgssapi_krb5 into a temp dir), the same work in the same run against one throwaway MIT realm
 * (test/harness/realm.ts): wrap+unwrap with and without confidentiality, getMIC+verifyMIC,
 * full establishment (service ticket cached), accept_sec_context alone (replay cache on), and
 * export+import, for aes256-cts-hmac-sha1-96 and the RFC 8009 enctypes.
 *
 *   node --import tsx bench/gss.ts [--seconds S] [--rounds N] [--enctypes 18,19,20] [--no-mit]
 *
 * Rates are per CPU second of each process (user + system). Each round runs MIT's harness then
 * ours for every cell of an enctype, so both see the same machine; the table shows the medians
 * over the rounds, and the ratio is the median of the per-round ratios.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getProfile, randomBytes } from '../src/crypto/index.js';
import { Credentials } from '../src/gssapi/creds.js';
import { Name } from '../src/gssapi/names.js';
import { interopSkip, type Realm, startRealm } from '../test/harness/realm.js';
import {
  benchAccept,
  benchEstablish,
  benchExport,
  benchMic,
  benchWrap,
  contextEnctype,
  establish,
  type Side,
} from './gss-ours.js';

const SIZES = [16, 1024, 65536, 1048576];
const TARGET_SERVICE = 'gsstest@localhost';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seconds = Number(opt('--seconds', '0.25'));
const rounds = Number(opt('--rounds', '3'));
const enctypes = opt('--enctypes', '18,19,20').split(',').map(Number);
const noMit = args.includes('--no-mit');

/** Cells in table order: key "measure size", a label, the target ratio (aes256-sha1), bytes per op. */
const CELLS: { key: string; label: string; target?: number; bytes: number }[] = [
  ...SIZES.flatMap((s) => [
    { key: `wrap-conf ${s}`, label: `wrap+unwrap conf ${sizeName(s)}`, target: target(s), bytes: s },
    { key: `wrap-integ ${s}`, label: `wrap+unwrap integ ${sizeName(s)}`, bytes: s },
  ]),
  { key: 'mic 16', label: 'getMIC+verifyMIC 16 B', target: 0.5, bytes: 0 },
  { key: 'establish 0', label: 'establish (init+accept+AP-REP)', target: 1, bytes: 0 },
  { key: 'accept 0', label: 'accept_sec_context alone', target: 1, bytes: 0 },
  { key: 'export 0', label: 'export+import (acceptor)', bytes: 0 },
];

function target(size: number): number {
  return size >= 65536 ? 3 : size >= 1024 ? 1 : 0.5;
}

function sizeName(n: number): string {
  return n >= 1048576 ? `${n / 1048576} MiB` : n >= 1024 ? `${n / 1024} KiB` : `${n} B`;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/** Builds bench/mit-gss.c into `dir`; the executable's path, or why there is none. */
function buildMit(dir: string): string | { skipped: string } {
  if (noMit) return { skipped: 'skipped (--no-mit)' };
  if (!existsSync('/usr/include/gssapi/gssapi_krb5.h')) {
    return { skipped: 'skipped (no gssapi_krb5.h: apt-get install libkrb5-dev)' };
  }
  const exe = join(dir, 'mit-gss');
  const src = fileURLToPath(new URL('./mit-gss.c', import.meta.url));
  try {
    execFileSync('gcc', ['-O2', '-o', exe, src, '-lgssapi_krb5', '-lkrb5'], { stdio: 'pipe' });
  } catch (e) {
    return { skipped: `build failed (${(e as Error).message.split('\n')[0]})` };
  }
  return exe;
}

function runMit(exe: string, realm: Realm, ccache: string): Map<string, number> {
  const out = execFileSync(exe, [String(seconds), TARGET_SERVICE, ...SIZES.map(String)], {
    env: { ...realm.env, KRB5CCNAME: `FILE:${ccache}`, KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}` },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = new Map<string, number>();
  for (const line of out.trim().split('\n')) {
    const f = line.split(' ');
    if (f[0] === 'enctype') m.set('enctype', Number(f[1]));
    else m.set(`${f[0]} ${f[1]}`, Number(f[2]));
  }
  return m;
}

async function runOurs(side: Side, budget = seconds): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  const pair = await establish(side);
  m.set('enctype', contextEnctype(pair.init));
  for (const s of SIZES) {
    const data = randomBytes(s);
    m.set(`wrap-conf ${s}`, benchWrap(pair, data, true, budget));
    m.set(`wrap-integ ${s}`, benchWrap(pair, data, false, budget));
  }
  m.set('mic 16', benchMic(pair, randomBytes(16), budget));
  m.set('export 0', benchExport(pair, budget));
  pair.init.delete();
  pair.acc.delete();
  m.set('establish 0', await benchEstablish(side, budget));
  m.set('accept 0', await benchAccept(side, budget));
  return m;
}

function fmt(v: number | undefined, bytes: number): string {
  if (v === undefined) return '-';
  if (bytes >= 65536) return `${((v * bytes) / 1e6).toFixed(0)} MB/s`;
  return v >= 1e4 ? `${(v / 1e3).toFixed(0)}k/s` : `${v.toFixed(0)}/s`;
}

async function main(): Promise<void> {
  const skip = interopSkip();
  if (skip) {
    console.log(`gss bench: ${skip}`);
    return;
  }
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpus()[0]?.model ?? 'cpu?'}`);
  console.log(
    `per CPU second, medians of ${rounds} rounds (MIT then ours), ${seconds} s per cell and side; MB/s of message`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'gssapi-ts-bench-'));
  const realm = await startRealm();
  const saved = { ...process.env };
  try {
    for (const k of ['KRB5_CONFIG', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const)
      process.env[k] = realm.env[k];
    const mit = buildMit(tmp);
    if (typeof mit !== 'string') console.log(`MIT krb5: ${mit.skipped}`);
    for (const e of enctypes) {
      const name = getProfile(e).name;
      // The TGT's key (aes256-sha1) must stay usable; the KDC takes the first listed enctype the
      // service has for the ticket's session key, which the context's subkeys follow.
      realm.writeKrb5Conf([`default_tgs_enctypes = ${name} aes256-cts-hmac-sha1-96`]);
      // Separate copies of alice's TGT-only ccache: each side caches its own service ticket.
      const ourCc = join(realm.dir, `alice-ours-${e}.ccache`);
      const mitCc = join(realm.dir, `alice-mit-${e}.ccache`);
      copyFileSync(realm.aliceCcache.slice('FILE:'.length), ourCc);
      copyFileSync(realm.aliceCcache.slice('FILE:'.length), mitCc);
      const side: Side = {
        initiator: await Credentials.acquire({ usage: 'initiate', ccache: `FILE:${ourCc}` }),
        acceptor: await Credentials.acquire({ usage: 'accept', keytab: `FILE:${realm.keytabs.gsstest}` }),
        target: Name.hostbased(TARGET_SERVICE),
      };
      // Warm-up, untimed: JIT, derived keys, the service ticket into our ccache.
      await runOurs(side, 0.05);
      const ours: Map<string, number>[] = [];
      const theirs: Map<string, number>[] = [];
      for (let r = 0; r < rounds; r++) {
        if (typeof mit === 'string') theirs.push(runMit(mit, realm, mitCc));
        ours.push(await runOurs(side));
      }
      printTable(e, name, ours, theirs);
    }
  } finally {
    for (const k of ['KRB5_CONFIG', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await realm.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function printTable(
  e: number,
  name: string,
  ours: Map<string, number>[],
  theirs: Map<string, number>[],
): void {
  const got = (ms: Map<string, number>[]) => [...new Set(ms.map((m) => m.get('enctype')))].join(',');
  console.log(
    `\n${name} (${e}): context enctype ours ${got(ours)}, MIT ${theirs.length ? got(theirs) : '-'}`,
  );
  console.log(
    `${'measure'.padEnd(34)}${'ours'.padStart(11)}${'MIT'.padStart(11)}${'ours/MIT'.padStart(10)}${'target'.padStart(8)}`,
  );
  for (const c of CELLS) {
    const o = median(ours.map((m) => m.get(c.key) ?? 0));
    const t = theirs.length ? median(theirs.map((m) => m.get(c.key) ?? 0)) : undefined;
    const ratio = theirs.length
      ? median(ours.map((m, i) => (m.get(c.key) ?? 0) / (theirs[i].get(c.key) ?? 1)))
      : undefined;
    const tgt = c.target === undefined || e !== 18 ? '' : `>=${c.target}`;
    const mark =
      ratio !== undefined && c.target !== undefined && e === 18 && ratio < c.target ? ' MISSED' : '';
    console.log(
      `${c.label.padEnd(34)}${fmt(o, c.bytes).padStart(11)}${fmt(t, c.bytes).padStart(11)}` +
        `${ratio === undefined ? '-'.padStart(10) : ratio.toFixed(2).padStart(10)}${tgt.padStart(8)}${mark}`,
    );
  }
}

await main();
