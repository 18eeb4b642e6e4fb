/**
 * A throwaway Heimdal realm on 127.0.0.1 for interop tests, shaped like realm.ts's `Realm` (so the
 * MIT gss-server harness and MIT's clients take it as is). Heimdal's `heimdal-kdc` and
 * `heimdal-clients` conflict with MIT's packages in dpkg, so they are not installed: .ci/run
 * unpacks them into HEIMDAL_DIR (default /opt/heimdal) beside the Heimdal libraries, which do
 * install next to MIT's. This file installs nothing.
 *
 * The KDC runs with `--testing` (one process, no forked workers) and is stopped with SIGTERM so
 * it removes the /var/run/kdc.pid it writes as root (Heimdal has no option to move that file).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import {
  AES_ENCTYPES,
  ALICE_PASSWORD,
  type ExecResult,
  execAsync,
  krb5ConfText,
  type Realm,
  realmEnv,
  syncRunner,
  track as trackChild,
} from './realm.js';

/** Where the unpacked heimdal-kdc and heimdal-clients packages live (`dpkg-deb -x PKG DIR`). */
export function heimdalDir(): string {
  return process.env.HEIMDAL_DIR || '/opt/heimdal';
}

/** Heimdal's programs under the unpacked tree. `heimtools` is klist, kgetcred, kvno in one. */
export function heimdalBin() {
  const d = heimdalDir();
  return {
    kdc: join(d, 'usr/lib/heimdal-servers/kdc'),
    kadmin: join(d, 'usr/bin/kadmin.heimdal'),
    kinit: join(d, 'usr/bin/kinit.heimdal'),
    kdestroy: join(d, 'usr/bin/kdestroy.heimdal'),
    ktutil: join(d, 'usr/bin/ktutil.heimdal'),
    heimtools: join(d, 'usr/bin/heimtools'),
    kgetcred: join(d, 'usr/bin/kgetcred'),
  } as const;
}

/** Heimdal's GSS-API library and headers (heimdal-multidev), for the C peer. */
export const HEIMDAL_DEV = {
  include: '/usr/include/heimdal',
  libDir: '/usr/lib/x86_64-linux-gnu/heimdal',
} as const;

/** True when the unpacked Heimdal KDC and clients are present (and their libraries load). */
export function heimdalAvailable(): boolean {
  const b = heimdalBin();
  if (![b.kdc, b.kadmin, b.kinit, b.ktutil, b.heimtools].every((f) => existsSync(f))) return false;
  try {
    execFileSync(b.heimtools, ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The `skip` option for Heimdal suites: skip only when Heimdal is absent *and* CI is not set;
 * under CI the suite runs (and fails if .ci/run did not unpack Heimdal).
 */
export function heimdalSkip(): string | false {
  if (process.env.CI || heimdalAvailable()) return false;
  return `Heimdal is not unpacked in ${heimdalDir()} (see .ci/run: apt-get download heimdal-kdc heimdal-clients; dpkg-deb -x)`;
}

export interface HeimdalRealmOptions {
  realm?: string;
  /** Extra lines for [libdefaults] of the clients' krb5.conf. */
  libdefaults?: string[];
  /** Key enctypes of every principal, krbtgt included (Heimdal [kadmin] default_keys). */
  enctypes?: readonly string[];
}

/** A Heimdal realm; `kadmin` runs `kadmin.heimdal -l`, `kdcConf` is the KDC's own config. */
export type HeimdalRealm = Realm;

// Not realm.ts's track(): its exit hook sends SIGKILL, which would leave /var/run/kdc.pid behind.
const liveKdcs = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of liveKdcs) {
    try {
      p.kill('SIGTERM');
    } catch {
      // already gone
    }
  }
});

/** Heimdal reads [kdc] and [kadmin] from the file given with `--config-file` / `-c`. */
function kdcConfText(realm: string, dir: string, enctypes: readonly string[]): string {
  return `[kdc]
  database = {
    dbname = ${dir}/heimdal
    realm = ${realm}
    mkey_file = ${dir}/m-key
    acl_file = ${dir}/kadmind.acl
    log_file = ${dir}/kadmin.log
  }
  require-preauth = true

[kadmin]
  default_keys = ${enctypes.map((e) => `${e}:pw-salt`).join(' ')}

[logging]
  kdc = FILE:${dir}/kdc.log
  default = FILE:${dir}/kdc.log
`;
}

export async function startHeimdalRealm(opts: HeimdalRealmOptions = {}): Promise<HeimdalRealm> {
  const bin = heimdalBin();
  const realm = opts.realm ?? 'HEIMDAL.GSS';
  const enctypes = opts.enctypes ?? AES_ENCTYPES;
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-heimdal-'));
  const port = await freePort();
  const krb5Conf = join(dir, 'krb5.conf');
  const kdcConf = join(dir, 'kdc.conf');
  writeFileSync(krb5Conf, krb5ConfText(realm, port, opts.libdefaults ?? []));
  writeFileSync(kdcConf, kdcConfText(realm, dir, enctypes));
  writeFileSync(join(dir, 'kadmind.acl'), '');
  const aliceCcache = `FILE:${dir}/alice.ccache`;
  const env = realmEnv(dir, krb5Conf, kdcConf, aliceCcache);
  const run = syncRunner(env);
  // kadmin -l reads one command per line from stdin when given none: one process for the setup.
  const kadmin = (query: string): string =>
    run(bin.kadmin, ['-l', '-c', kdcConf, '-r', realm], { input: `${query}\n` });

  const keytabs = {
    gsstest: join(dir, 'gsstest.keytab'),
    host: join(dir, 'host.keytab'),
    http: join(dir, 'http.keytab'),
    alice: join(dir, 'alice.keytab'),
    services: join(dir, 'services.keytab'),
  };
  const services = ['gsstest/localhost', 'host/localhost', 'HTTP/localhost'];
  // ext_keytab exports the current keys (MIT's ktadd -norandkey), so the keytabs share a kvno.
  kadmin(
    [
      `init --realm-max-ticket-life=1d --realm-max-renewable-life=7d ${realm}`,
      `add --password=${ALICE_PASSWORD} --use-defaults --attributes=requires-pre-auth alice`,
      ...services.map((p) => `add --random-key --use-defaults ${p}`),
      `ext_keytab -k ${keytabs.gsstest} gsstest/localhost`,
      `ext_keytab -k ${keytabs.host} host/localhost`,
      `ext_keytab -k ${keytabs.http} HTTP/localhost`,
      `ext_keytab -k ${keytabs.alice} alice`,
      `ext_keytab -k ${keytabs.services} ${services.join(' ')}`,
    ].join('\n'),
  );
  for (const k of Object.values(keytabs)) {
    if (!existsSync(k) || statSync(k).size < 10) throw new Error(`kadmin.heimdal -l did not write ${k}`);
  }

  const kdc: ChildProcess = spawn(
    bin.kdc,
    [`--config-file=${kdcConf}`, '--addresses=127.0.0.1', `--ports=${port}`, '--testing'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  liveKdcs.add(kdc);
  kdc.once('exit', () => liveKdcs.delete(kdc));
  let kdcErr = '';
  kdc.stderr?.on('data', (d) => {
    kdcErr += String(d);
  });
  try {
    await waitForPort(port, 5_000, () => kdc.exitCode !== null);
  } catch (err) {
    kdc.kill('SIGKILL');
    const log = existsSync(join(dir, 'kdc.log')) ? readFileSync(join(dir, 'kdc.log'), 'utf8') : '';
    throw new Error(`Heimdal kdc did not start: ${(err as Error).message}\n${kdcErr}\n${log}`);
  }

  run(bin.kinit, ['--password-file=STDIN', '-c', aliceCcache, 'alice'], { input: `${ALICE_PASSWORD}\n` });

  let stopped = false;
  return {
    realm,
    dir,
    port,
    krb5Conf,
    kdcConf,
    aliceCcache,
    alicePassword: ALICE_PASSWORD,
    keytabs,
    env,
    kadmin,
    run,
    exec: (
      file: string,
      args: string[],
      o: { input?: string; env?: NodeJS.ProcessEnv } = {},
    ): Promise<ExecResult> => execAsync(file, args, { ...o, env: o.env ?? env }),
    writeKrb5Conf(libdefaults: string[] = []) {
      writeFileSync(krb5Conf, krb5ConfText(realm, port, libdefaults));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (kdc.exitCode === null && kdc.signalCode === null) {
        // SIGTERM lets the KDC delete its /var/run/kdc.pid; SIGKILL if it lingers.
        const exited = new Promise((r) => kdc.once('exit', r));
        kdc.kill('SIGTERM');
        const timer = setTimeout(() => kdc.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `node --import tsx src/cli/gss.ts ARGS` with the given env and stdin. */
export function gss(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = trackChild(
      spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'src/cli/gss.ts'), ...args], {
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.stdin?.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}
