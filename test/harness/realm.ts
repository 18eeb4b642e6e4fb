/**
 * A throwaway MIT krb5 realm on 127.0.0.1 for interop tests: own krb5.conf and kdc.conf in a temp
 * dir, database, principals, service keytabs, a kinit'ed ccache for alice, and krb5kdc in the
 * foreground. One realm per test file (it costs ~0.4 s). `stop()` kills every process by pid; a
 * process 'exit' hook does the same if a test run dies first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';

export const MIT_BIN = {
  krb5kdc: '/usr/sbin/krb5kdc',
  kdb5_util: '/usr/sbin/kdb5_util',
  kadminLocal: '/usr/sbin/kadmin.local',
  kinit: '/usr/bin/kinit',
  klist: '/usr/bin/klist',
  kvno: '/usr/bin/kvno',
  ktutil: '/usr/bin/ktutil',
  gssServer: '/usr/bin/gss-server',
  gssClient: '/usr/bin/gss-client',
  python3: '/usr/bin/python3',
} as const;

/** The four AES enctypes, as MIT names them, strongest first as MIT's defaults order them. */
export const AES_ENCTYPES = [
  'aes256-cts-hmac-sha1-96',
  'aes128-cts-hmac-sha1-96',
  'aes256-cts-hmac-sha384-192',
  'aes128-cts-hmac-sha256-128',
] as const;

export const ALICE_PASSWORD = 'alice-Secret-1';

/** True when MIT's KDC and tools are installed. */
export function mitAvailable(): boolean {
  return existsSync(MIT_BIN.krb5kdc) && existsSync(MIT_BIN.kinit) && existsSync(MIT_BIN.kadminLocal);
}

/**
 * The `skip` option for interop suites: skip only when MIT is absent *and* CI is not set; under CI
 * the suite runs (and fails if MIT is missing).
 */
export function interopSkip(): string | false {
  if (mitAvailable() || process.env.CI) return false;
  return 'MIT krb5 is not installed (apt-get install krb5-kdc krb5-admin-server krb5-user krb5-gss-samples)';
}

export interface RealmOptions {
  realm?: string;
  /** Extra lines for [libdefaults] of krb5.conf (e.g. `permitted_enctypes = ...`). */
  libdefaults?: string[];
  /** Enctypes for keys and keytabs (default: the four AES). */
  enctypes?: readonly string[];
  /** Extra [domain_realm] lines (host or .domain to realm), read by the KDC too (referrals). */
  domainRealm?: Readonly<Record<string, string>>;
}

export interface ExecResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program without blocking the event loop; never rejects for a non-zero exit. */
export function execAsync(
  file: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.on('error', () => {}); // a child that exits without reading stdin: EPIPE is not an error here
    child.stdin?.end(opts.input ?? '');
  });
}

export interface Realm {
  readonly realm: string;
  readonly dir: string;
  readonly port: number;
  readonly krb5Conf: string;
  readonly kdcConf: string;
  /** FILE: ccache holding alice's TGT from MIT kinit. */
  readonly aliceCcache: string;
  readonly alicePassword: string;
  readonly keytabs: {
    readonly gsstest: string;
    readonly host: string;
    readonly http: string;
    /** alice's keys with her password-derived keys (ktadd -norandkey). */
    readonly alice: string;
    /** gsstest, host and HTTP in one file. */
    readonly services: string;
  };
  /** Environment selecting this realm for MIT tools and ours (KRB5_CONFIG, KRB5CCNAME, ...). */
  readonly env: NodeJS.ProcessEnv;
  /** Runs a kadmin.local query and returns its output. */
  kadmin(query: string): string;
  /** Runs a program with the realm's env; throws with its stderr on non-zero exit. */
  run(file: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): string;
  /** Runs a program asynchronously (needed when a server in this process must answer it). */
  exec(file: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<ExecResult>;
  /** Writes the krb5.conf again with extra [libdefaults] lines (same realm and KDC). */
  writeKrb5Conf(libdefaults?: string[]): void;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Tracks a child so it is killed when the test process exits. */
export function track(p: ChildProcess): ChildProcess {
  live.add(p);
  p.once('exit', () => live.delete(p));
  return p;
}

/** A client krb5.conf for a realm whose KDC is 127.0.0.1:port (no DNS, localhost in the realm). */
export function krb5ConfText(
  realm: string,
  port: number,
  extra: readonly string[],
  domainRealm: Readonly<Record<string, string>> = {},
): string {
  return `[libdefaults]
  default_realm = ${realm}
  dns_canonicalize_hostname = false
  rdns = false
  dns_lookup_kdc = false
  dns_lookup_realm = false
  forwardable = true
  ${extra.join('\n  ')}

[realms]
  ${realm} = {
    kdc = 127.0.0.1:${port}
  }

[domain_realm]
  localhost = ${realm}
  .localhost = ${realm}
${Object.entries(domainRealm)
  .map(([d, r]) => `  ${d} = ${r}\n`)
  .join('')}`;
}

/** The environment that points MIT's (or Heimdal's) tools and ours at a realm in `dir`. */
export function realmEnv(dir: string, krb5Conf: string, kdcConf: string, ccache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KRB5_CONFIG: krb5Conf,
    KRB5_KDC_PROFILE: kdcConf,
    KRB5CCNAME: ccache,
    KRB5_KTNAME: `FILE:${dir}/gsstest.keytab`,
    KRB5RCACHEDIR: dir,
  };
  delete env.KRB5_TRACE;
  delete env.KRB5_CLIENT_KTNAME;
  return env;
}

/** A synchronous runner with `env` by default; throws with the program's stderr on failure. */
export function syncRunner(
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): (file: string, args: string[], o?: { input?: string; env?: NodeJS.ProcessEnv }) => string {
  return (file, args, o = {}) => {
    try {
      return execFileSync(file, args, {
        env: o.env ?? env,
        input: o.input ?? '',
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: timeoutMs,
      });
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${file} ${args.join(' ')} failed: ${err.stderr || err.stdout || err.message}`);
    }
  };
}

export async function startRealm(opts: RealmOptions = {}): Promise<Realm> {
  const realm = opts.realm ?? 'TEST.GSS';
  const enctypes = opts.enctypes ?? AES_ENCTYPES;
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-realm-'));
  const port = await freePort();
  const krb5Conf = join(dir, 'krb5.conf');
  const kdcConf = join(dir, 'kdc.conf');
  const keysalts = enctypes.map((e) => `${e}:normal`).join(' ');
  writeFileSync(krb5Conf, krb5ConfText(realm, port, opts.libdefaults ?? [], opts.domainRealm));
  writeFileSync(
    kdcConf,
    `[kdcdefaults]
  kdc_listen = 127.0.0.1:${port}
  kdc_tcp_listen = 127.0.0.1:${port}

[realms]
  ${realm} = {
    database_name = ${dir}/principal
    key_stash_file = ${dir}/stash
    acl_file = ${dir}/kadm5.acl
    supported_enctypes = ${keysalts}
    max_life = 24h
    max_renewable_life = 7d
  }

[logging]
  kdc = FILE:${dir}/kdc.log
  default = FILE:${dir}/kdc.log
`,
  );
  writeFileSync(join(dir, 'kadm5.acl'), '');
  const aliceCcache = `FILE:${dir}/alice.ccache`;
  const env = realmEnv(dir, krb5Conf, kdcConf, aliceCcache);
  const run = syncRunner(env);
  const kadmin = (query: string): string => run(MIT_BIN.kadminLocal, ['-r', realm, '-q', query]);

  run(MIT_BIN.kdb5_util, ['create', '-s', '-r', realm, '-P', 'master-Key-1']);
  kadmin(`addprinc -pw ${ALICE_PASSWORD} +requires_preauth alice`);
  for (const p of ['gsstest/localhost', 'host/localhost', 'HTTP/localhost']) kadmin(`addprinc -randkey ${p}`);
  const keytabs = {
    gsstest: join(dir, 'gsstest.keytab'),
    host: join(dir, 'host.keytab'),
    http: join(dir, 'http.keytab'),
    alice: join(dir, 'alice.keytab'),
    services: join(dir, 'services.keytab'),
  };
  // Keys get the enctypes of supported_enctypes; -norandkey keeps one kvno across the keytabs.
  kadmin(`ktadd -k ${keytabs.gsstest} -norandkey gsstest/localhost`);
  kadmin(`ktadd -k ${keytabs.host} -norandkey host/localhost`);
  kadmin(`ktadd -k ${keytabs.http} -norandkey HTTP/localhost`);
  kadmin(`ktadd -k ${keytabs.alice} -norandkey alice`);
  kadmin(`ktadd -k ${keytabs.services} -norandkey gsstest/localhost host/localhost HTTP/localhost`);
  for (const k of Object.values(keytabs)) {
    if (!existsSync(k) || statSync(k).size < 10) throw new Error(`kadmin.local did not write ${k}`);
  }

  const kdc = track(
    spawn(MIT_BIN.krb5kdc, ['-n', '-r', realm], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: false,
    }),
  );
  let kdcErr = '';
  kdc.stderr?.on('data', (d) => {
    kdcErr += String(d);
  });
  try {
    await waitForPort(port, 5_000, () => kdc.exitCode !== null);
  } catch (err) {
    kdc.kill('SIGKILL');
    const log = existsSync(join(dir, 'kdc.log')) ? readFileSync(join(dir, 'kdc.log'), 'utf8') : '';
    throw new Error(`krb5kdc did not start: ${(err as Error).message}\n${kdcErr}\n${log}`);
  }

  run(MIT_BIN.kinit, ['alice'], { input: `${ALICE_PASSWORD}\n` });

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
    exec: (file, args, o = {}) => execAsync(file, args, { ...o, env: o.env ?? env }),
    writeKrb5Conf(libdefaults: string[] = []) {
      writeFileSync(krb5Conf, krb5ConfText(realm, port, libdefaults, opts.domainRealm));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (kdc.exitCode === null) {
        const exited = new Promise((r) => kdc.once('exit', r));
        kdc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
