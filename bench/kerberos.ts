/**
 * `node --import tsx bench/kerberos.ts [--seconds S] [--rounds N] [--addon DIR]`: establishments
 * per second through gssapi-ts/kerberos against the native `kerberos` 7.0.0 addon (MIT libgssapi),
 * in one process, against one MIT realm (test/harness/realm.ts). One establishment is what a
 * server does per connection with the addon's API: initializeClient + initializeServer +
 * client.step('') + server.step(AP-REQ) + client.step(AP-REP), mutual authentication, the
 * service ticket already in the ccache (each side has its own copy of alice's ccache).
 *
 * The addon is built in the set-up (npm install kerberos@7.0.0 into a temp dir, node-gyp against
 * the local Node headers); where it cannot be built, the bench says so and measures ours alone.
 * Slices alternate (addon, ours) `rounds` times for `seconds` of wall time each (the addon works
 * on libuv's thread pool, so CPU time of the main thread would not count it); the table shows
 * the median and the range of the per-slice rates, and the median of the per-slice ratios.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ours from '../src/kerberos/index.js';
import { startRealm } from '../test/harness/realm.js';

interface KerberosApi {
  initializeClient(service: string, options?: object): Promise<{ step(c: string): Promise<string | null> }>;
  initializeServer(service: string): Promise<{ step(c: string): Promise<string | null> }>;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const seconds = Number(arg('seconds', '2'));
const rounds = Number(arg('rounds', '5'));
const SERVICE = 'gsstest@localhost';

/** Builds kerberos@7.0.0 into a temp dir; undefined (and why) when it cannot. */
function buildAddon(): { dir?: string; why?: string } {
  const given = arg('addon', '');
  if (given) return { dir: given };
  const nodedir = ['/usr', '/usr/local'].find((d) => existsSync(join(d, 'include/node/node_api.h')));
  if (!nodedir) return { why: 'no local Node headers (include/node/node_api.h) for node-gyp' };
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-bench-addon-'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench-addon", "private": true }\n');
  const r = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--build-from-source', 'kerberos@7.0.0'],
    {
      cwd: dir,
      env: { ...process.env, npm_config_nodedir: nodedir },
      encoding: 'utf8',
      timeout: 600_000,
    },
  );
  if (r.status !== 0 || !existsSync(join(dir, 'node_modules/kerberos/build/Release/kerberos.node'))) {
    rmSync(dir, { recursive: true, force: true });
    return {
      why: `the addon did not build: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-3).join(' / ')}`,
    };
  }
  return { dir };
}

async function establish(k: KerberosApi): Promise<void> {
  const client = await k.initializeClient(SERVICE, {});
  const server = await k.initializeServer(SERVICE);
  const token = await client.step('');
  const reply = await server.step(token as string);
  await client.step(reply as string);
}

/** Establishments per wall-clock second over one slice. */
async function slice(k: KerberosApi, ccache: string): Promise<number> {
  process.env.KRB5CCNAME = ccache;
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await establish(k);
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;

async function main(): Promise<void> {
  const built = buildAddon();
  const addon = built.dir
    ? (createRequire(join(built.dir, 'package.json'))('kerberos') as KerberosApi)
    : undefined;
  if (!addon) console.log(`native addon: skipped (${built.why})`);
  const realm = await startRealm();
  try {
    for (const k of ['KRB5_CONFIG', 'KRB5_KTNAME', 'KRB5RCACHEDIR'] as const) process.env[k] = realm.env[k];
    const aliceFile = realm.aliceCcache.replace(/^FILE:/, '');
    const ccaches = { addon: `${aliceFile}.addon`, ours: `${aliceFile}.ours` };
    copyFileSync(aliceFile, ccaches.addon);
    copyFileSync(aliceFile, ccaches.ours);
    // Warm-up: service tickets into each ccache, code paths compiled.
    for (const [k, cc] of [
      [addon, ccaches.addon],
      [ours, ccaches.ours],
    ] as const) {
      if (!k) continue;
      process.env.KRB5CCNAME = `FILE:${cc}`;
      for (let i = 0; i < 30; i++) await establish(k);
    }
    const a: number[] = [];
    const o: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (addon) a.push(await slice(addon, `FILE:${ccaches.addon}`));
      o.push(await slice(ours, `FILE:${ccaches.ours}`));
    }
    console.log(
      `establishments/s (initializeClient + initializeServer + 3 steps, mutual), ${rounds} alternating slices of ${seconds} s`,
    );
    if (a.length)
      console.log(
        `  kerberos 7.0.0 (native, MIT libgssapi): median ${median(a).toFixed(0)}, range ${range(a)}`,
      );
    console.log(`  gssapi-ts/kerberos:                    median ${median(o).toFixed(0)}, range ${range(o)}`);
    if (a.length) {
      const ratios = o.map((v, i) => v / a[i]);
      console.log(
        `  ours / native: median ${median(ratios).toFixed(2)}x, range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}x`,
      );
    }
  } finally {
    await realm.stop();
    if (built.dir && !arg('addon', '')) rmSync(built.dir, { recursive: true, force: true });
  }
}

await main();
