/**
 * GSS-API speed of ours beside MIT krb5 1.20 (bench/mit-gss.c, built with gcc against
 * libgssapi_krb5 into a temp dir), the same work in the same run against one throwaway MIT realm
 * (test/harness/realm.ts): wrap+unwrap with and without confidentiality, getMIC+verifyMIC,
 * accept_sec_context alone and full establishment (each with the same ticket reused and with every
 * ticket new, MIT in its defaults and all in memory), export+import (plain and sealed), and
 * memory per established context; for aes256-cts-hmac-sha1-96 and the RFC 8009 enctypes.
 *
 *   node --import tsx bench/gss.ts [--runs N] [--quick] [--markdown] [--seconds S] [--rounds R]
 *     [--warmup W] [--enctypes 18,19,20] [--cells accept-new,wrap-conf 1024,mem,...]
 *     [--tickets T] [--contexts C] [--raw] [--no-mit] [--node-flags '--cpu-prof ...']
 *
 * N measuring processes (default 3), one after the other, each with its own V8 state; in each,
 * every cell is warmed up (untimed slices of ours until the mean of the last two is within 5% of
 * the two before, at most W = 16),
 * then R (default 7) alternating slices of S (default 0.2) CPU seconds: MIT, ours, MIT, ours...
 * Rates are per CPU second of each process (user + system), so time the shared machine gives to
 * others is not charged. The table: the median of all per-slice ratios, the range of the
 * per-process medians and the range of the slices (docs/performance.md). --quick: aes256-sha1,
 * issue 16's target cells, S = 0.1, R = 5, W = 10, 600 tickets, 3000 contexts. --markdown prints the tables for docs/performance.md.
 * --node-flags: extra node options of the measuring processes (profiling: --cpu-prof).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getProfile } from '../src/crypto/index.js';
import { interopSkip, krb5ConfText, startRealm } from '../test/harness/realm.js';
import { parseOptions } from './gss-cells.js';
import { type ChildResult, type ChildSpec, childMain } from './gss-child.js';
import { makePool, type Pool } from './gss-pool.js';
import { enctypeTable, rawLines } from './gss-report.js';
import { buildMit } from './mit-harness.js';

const args = process.argv.slice(2);
const o = parseOptions(args);

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function parent(): Promise<void> {
  const skip = interopSkip();
  if (skip) {
    console.log(`gss bench: ${skip}`);
    return;
  }
  const started = Date.now();
  console.log(`node ${process.version}, OpenSSL ${process.versions.openssl}, ${cpus()[0]?.model ?? 'cpu?'}`);
  console.log(
    `${new Date().toISOString()}: ${o.runs} processes; per CPU second; in each, per cell, ${o.rounds} alternating ` +
      `slices (MIT, ours) of ${o.seconds} CPU s after a warm-up; load average ${load()}`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'gssapi-ts-bench-'));
  const realm = await startRealm();
  try {
    for (const k of ['KRB5_CONFIG', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const)
      process.env[k] = realm.env[k];
    const mit = buildMit(tmp, o.noMit);
    if (typeof mit !== 'string') console.log(`MIT krb5: ${mit.skipped}`);
    const pools: Record<string, Pool> = {};
    for (const e of o.enctypes) {
      // The TGT's key (aes256-sha1) must stay usable; the KDC takes the first listed enctype the
      // service has for the ticket's session key, which the context's subkeys follow.
      realm.writeKrb5Conf([`default_tgs_enctypes = ${getProfile(e).name} aes256-cts-hmac-sha1-96`]);
      const t0 = Date.now();
      pools[e] = await makePool(realm.aliceCcache.slice('FILE:'.length), join(tmp, `pool-${e}`), o.tickets);
      console.log(`${getProfile(e).name}: ${o.tickets} service tickets in ${Date.now() - t0} ms`);
    }
    // The measuring processes get a krb5.conf per enctype whose KDC is a closed port, so a ticket
    // missing from a ccache fails loudly instead of costing a TGS exchange while timed. Its
    // default_tgs_enctypes is the pool's: the initiator's RFC 4537 list chooses the acceptor
    // subkey's enctype, and MIT's ccache lookup filters on it.
    const confs: Record<string, string> = {};
    for (const e of o.enctypes) {
      confs[e] = join(tmp, `krb5-measure-${e}.conf`);
      const tgs = `default_tgs_enctypes = ${getProfile(e).name} aes256-cts-hmac-sha1-96`;
      writeFileSync(confs[e], krb5ConfText(realm.realm, 1, [tgs]));
    }
    const env: Record<string, string> = {};
    for (const k of ['KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const) env[k] = realm.env[k] ?? '';
    const spec: ChildSpec = { env, confs, keytab: `FILE:${realm.keytabs.gsstest}`, pools, mit };
    const specFile = join(tmp, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const runs: ChildResult[] = [];
    const self = fileURLToPath(import.meta.url);
    for (let i = 0; i < o.runs; i++) {
      const out = join(tmp, `run-${i}.json`);
      const r = spawnSync(
        process.execPath,
        ['--expose-gc', ...o.nodeFlags, '--import', 'tsx', self, ...args, '--child', specFile, out],
        {
          stdio: 'inherit',
        },
      );
      if (r.status !== 0) throw new Error(`measuring process ${i + 1} failed (${r.status ?? r.signal})`);
      runs.push(JSON.parse(readFileSync(out, 'utf8')) as ChildResult);
      console.log(`process ${i + 1}/${o.runs} done (pid ${runs[i].pid}), load average ${load()}`);
    }
    if (o.raw) console.log(rawLines(runs).join('\n'));
    for (const e of o.enctypes) console.log(`\n${enctypeTable(runs, e, o.markdown)}`);
    console.log(
      `\nfinished ${new Date().toISOString()} in ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${load()}`,
    );
  } finally {
    await realm.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const child = args.indexOf('--child');
if (child >= 0) await childMain(o, args[child + 1], args[child + 2]);
else await parent();
