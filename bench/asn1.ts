/**
 * Decode speed of our DER codec on an AS-REP captured from MIT (test/fixtures/messages/as-rep.der,
 * 774 bytes), beside MIT krb5's decode_krb5_as_rep (bench/mit-asn1.c, built with gcc against
 * libkrb5 into a temp dir, when available). Rates are per CPU second of the process.
 *
 *   node --import tsx bench/asn1.ts [--seconds S] [--no-mit]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeApReq,
  decodeAsRep,
  decodeKrbMessage,
  encodeAsRep,
  encodeKrbMessage,
} from '../src/krb5/messages/index.js';

const args = process.argv.slice(2);
const seconds = args.includes('--seconds') ? Number(args[args.indexOf('--seconds') + 1]) : 1;
const FIX = join('test', 'fixtures', 'messages');
const asRep = new Uint8Array(readFileSync(join(FIX, 'as-rep.der')));
const tgsReq = new Uint8Array(readFileSync(join(FIX, 'tgs-req.der')));
const apTok = new Uint8Array(readFileSync(join(FIX, 'ap-req-gss-token.bin')));
// RFC 2743 3.1 header of this token: 60 82 LLLL, 06 09 <krb5 OID>, TOK_ID 01 00 = 17 bytes.
const apReq = apTok.subarray(17);

function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function rate(fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn(); // warm-up: let V8 optimise
  let n = 0;
  const t0 = cpu();
  let t = t0;
  while (t - t0 < seconds) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    t = cpu();
  }
  return n / (t - t0);
}

function mitRate(): number | undefined {
  if (args.includes('--no-mit') || !existsSync('/usr/include/krb5.h')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-bench-'));
  try {
    const bin = join(dir, 'mit-asn1');
    execFileSync('gcc', ['-O2', '-o', bin, join('bench', 'mit-asn1.c'), '-lkrb5']);
    const n = String(Math.round(200_000 * seconds));
    return Number(execFileSync(bin, [join(FIX, 'as-rep.der'), n], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (r: number) => `${Math.round(r).toLocaleString('en-US')}/s (${(1e6 / r).toFixed(2)} µs)`;
const rows: [string, number][] = [
  ['decodeAsRep (774 B)', rate(() => decodeAsRep(asRep))],
  ['decodeKrbMessage AS-REP', rate(() => decodeKrbMessage(asRep))],
  ['encodeAsRep', rate(() => encodeAsRep(decodeAsRep(asRep)))],
  ['decode+encode TGS-REQ (990 B)', rate(() => encodeKrbMessage(decodeKrbMessage(tgsReq)))],
  ['decodeApReq (GSS token body)', rate(() => decodeApReq(apReq))],
];
const mit = mitRate();
for (const [name, r] of rows) console.log(`${name.padEnd(32)} ${fmt(r)}`);
if (mit) {
  console.log(`${'MIT decode_krb5_as_rep'.padEnd(32)} ${fmt(mit)}`);
  console.log(`ours / MIT (AS-REP decode): ${(rows[0][1] / mit).toFixed(2)}`);
} else {
  console.log('MIT decode_krb5_as_rep: not measured (no gcc/libkrb5-dev, or --no-mit)');
}
