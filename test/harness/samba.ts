/**
 * A throwaway Active Directory domain for interop tests: Samba 4.17's AD DC (Debian `samba`,
 * `samba-ad-dc`), provisioned with `samba-tool domain provision --dns-backend=NONE` in a temp dir
 * and started in the foreground with only its KDC (`server services = kdc`). Its KDC normally
 * takes 127.0.0.1:88; Samba's `krb5 port` and `kpasswd port` parameters move it to free high
 * ports, so several domains (and MIT's test KDCs) run side by side without a network namespace.
 * Provisioning costs 10-20 s: one domain per test file. `stop()` kills Samba by pid (its process
 * model is `single`: one process) and removes the directory.
 *
 * The domain holds: alice (a user in the group webusers), websvc (a user with the SPN
 * HTTP/web.<domain> and AES keys through msDS-SupportedEncryptionTypes), rc4svc (a user with the
 * SPN HTTP/rc4.<domain> and AD's default for SPNs on user accounts: RC4 only) and the computer
 * WS1$ (host/ws1.<domain>). Keytabs come from `samba-tool domain exportkeytab`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './net.js';
import { type ExecResult, execAsync, krb5ConfText, realmEnv, syncRunner } from './realm.js';

export const SAMBA_BIN = {
  samba: '/usr/sbin/samba',
  sambaTool: '/usr/bin/samba-tool',
  python3: '/usr/bin/python3',
} as const;

export const AD_PASSWORDS = {
  admin: 'Admin-Secret-1',
  alice: 'Alice-Secret-1',
  websvc: 'Websvc-Secret-1',
  rc4svc: 'Rc4svc-Secret-1',
  ws1: 'Ws1-Machine-Secret-1',
} as const;

/** True when Samba's AD DC is installed. */
export function sambaAvailable(): boolean {
  return existsSync(SAMBA_BIN.samba) && existsSync(SAMBA_BIN.sambaTool) && existsSync(SAMBA_BIN.python3);
}

/** The `skip` option for Samba suites: skip only when Samba is absent *and* CI is not set. */
export function sambaSkip(): string | false {
  if (sambaAvailable() || process.env.CI) return false;
  return 'Samba AD DC is not installed (apt-get install samba samba-ad-dc)';
}

export interface SambaDomain {
  /** Upper-case realm, e.g. AD.EXAMPLE.TEST. */
  readonly realm: string;
  /** The DNS domain, lower case. */
  readonly domain: string;
  readonly dir: string;
  /** The KDC's port on 127.0.0.1 (UDP and TCP). */
  readonly port: number;
  readonly krb5Conf: string;
  readonly smbConf: string;
  /** The domain SID, S-1-5-21-... */
  readonly domainSid: string;
  readonly keytabs: {
    /** HTTP/web.<domain> (AES keys). */
    readonly web: string;
    /** HTTP/rc4.<domain> (RC4 only). */
    readonly rc4: string;
    /** host/ws1.<domain> on the computer account WS1$. */
    readonly ws1: string;
    /** alice's own keys. */
    readonly alice: string;
  };
  readonly spns: { readonly web: string; readonly rc4: string; readonly ws1: string };
  /** KRB5_CONFIG etc. for MIT's tools and ours; KRB5CCNAME is a file in `dir`. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs samba-tool with this domain's smb.conf; throws with its stderr on failure. */
  tool(args: string[]): string;
  /** Sets an attribute of an account (by sAMAccountName) in sam.ldb, as an admin would in ADUC. */
  setAttribute(account: string, attribute: string, value: string): void;
  run(file: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): string;
  exec(file: string, args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv }): Promise<ExecResult>;
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

// sam.ldb is edited through Samba's own Python bindings (python3-samba, part of `samba`).
const SET_ATTRIBUTE_PY = `
import sys, ldb, samba.param
from samba.samdb import SamDB
from samba.auth import system_session
conf, account, attribute, value = sys.argv[1:5]
lp = samba.param.LoadParm(); lp.load(conf)
db = SamDB(url=lp.private_path('sam.ldb'), session_info=system_session(), lp=lp)
res = db.search(base=db.domain_dn(), expression='(sAMAccountName=%s)' % ldb.binary_encode(account), attrs=['dn'])
if len(res) != 1: sys.exit('no account ' + account)
m = ldb.Message(res[0].dn)
m['a'] = ldb.MessageElement(value, ldb.FLAG_MOD_REPLACE, attribute)
db.modify(m)
`;

export interface SambaOptions {
  realm?: string;
  /** The NetBIOS domain name (default ADEX). */
  netbios?: string;
}

export async function startSambaDomain(opts: SambaOptions = {}): Promise<SambaDomain> {
  const realm = opts.realm ?? 'AD.EXAMPLE.TEST';
  const domain = realm.toLowerCase();
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-samba-'));
  const port = await freePort();
  const kpasswdPort = await freePort();
  const smbConf = join(dir, 'etc/smb.conf');
  const krb5Conf = join(dir, 'krb5.conf');
  for (const d of ['run', 'log']) mkdirSync(join(dir, d));
  writeFileSync(krb5Conf, krb5ConfText(realm, port, []));
  const env = realmEnv(dir, krb5Conf, join(dir, 'kdc.conf'), `FILE:${dir}/alice.ccache`);
  const run = syncRunner(env);
  // Everything Samba writes stays in `dir`: its paths are options of the provisioned smb.conf.
  const options = [
    'interfaces = lo',
    'bind interfaces only = yes',
    'server services = kdc',
    `krb5 port = ${port}`,
    `kpasswd port = ${kpasswdPort}`,
    `pid directory = ${dir}/run`,
    `ncalrpc dir = ${dir}/run/ncalrpc`,
    `winbindd socket directory = ${dir}/run/winbindd`,
    `log file = ${dir}/log/samba.log`,
    'log level = 1',
  ];
  const provision = await execAsync(
    SAMBA_BIN.sambaTool,
    [
      'domain',
      'provision',
      `--realm=${realm}`,
      `--domain=${opts.netbios ?? 'ADEX'}`,
      `--adminpass=${AD_PASSWORDS.admin}`,
      '--server-role=dc',
      '--dns-backend=NONE',
      '--host-name=dc1',
      `--targetdir=${dir}`,
      ...options.map((o) => `--option=${o}`),
    ],
    { env, timeoutMs: 900_000 },
  );
  if (provision.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `samba-tool domain provision failed (${provision.code}): ${provision.stderr.slice(-2000)}`,
    );
  }
  const sid = /DOMAIN SID:\s+(S-1-5-21-[0-9-]+)/.exec(provision.stdout + provision.stderr);
  if (!sid) throw new Error('samba-tool domain provision did not print the domain SID');

  const samba = spawn(
    SAMBA_BIN.samba,
    ['-s', smbConf, '--foreground', '--no-process-group', '-M', 'single'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  live.add(samba);
  samba.once('exit', () => live.delete(samba));
  let out = '';
  samba.stdout?.on('data', (d) => {
    out += String(d);
  });
  samba.stderr?.on('data', (d) => {
    out += String(d);
  });

  // samba-tool loads Samba's Python modules each time: seconds per call, far more on a loaded box.
  const slowRun = syncRunner(env, 300_000);
  const tool = (args: string[]): string => slowRun(SAMBA_BIN.sambaTool, [...args, '-s', smbConf]);
  const setAttribute = (account: string, attribute: string, value: string): void => {
    slowRun(SAMBA_BIN.python3, ['-c', SET_ATTRIBUTE_PY, smbConf, account, attribute, value]);
  };
  const keytabs = {
    web: join(dir, 'web.keytab'),
    rc4: join(dir, 'rc4.keytab'),
    ws1: join(dir, 'ws1.keytab'),
    alice: join(dir, 'alice.keytab'),
  };
  const spns = { web: `HTTP/web.${domain}`, rc4: `HTTP/rc4.${domain}`, ws1: `host/ws1.${domain}` };
  try {
    // The accounts are written offline to sam.ldb while Samba starts; its KDC reads them live.
    tool(['user', 'create', 'alice', AD_PASSWORDS.alice]);
    tool(['group', 'add', 'webusers']);
    tool(['group', 'addmembers', 'webusers', 'alice']);
    tool(['user', 'create', 'websvc', AD_PASSWORDS.websvc]);
    tool(['spn', 'add', spns.web, 'websvc']);
    // 0x18: AES128 and AES256 (MS-KILE 2.2.7); without it AD gives user-account SPNs RC4.
    setAttribute('websvc', 'msDS-SupportedEncryptionTypes', '24');
    tool(['user', 'create', 'rc4svc', AD_PASSWORDS.rc4svc]);
    tool(['spn', 'add', spns.rc4, 'rc4svc']);
    tool(['computer', 'create', 'WS1', `--service-principal-name=${spns.ws1}`]);
    // samba-tool makes the computer disabled and keyless; a joining machine sets its password
    // and, as Windows does, msDS-SupportedEncryptionTypes 0x1C (RC4, AES128, AES256).
    tool(['user', 'setpassword', 'WS1$', `--newpassword=${AD_PASSWORDS.ws1}`]);
    tool(['user', 'enable', 'WS1$']);
    setAttribute('WS1$', 'msDS-SupportedEncryptionTypes', '28');
    tool(['domain', 'exportkeytab', keytabs.web, `--principal=${spns.web}`]);
    tool(['domain', 'exportkeytab', keytabs.rc4, `--principal=${spns.rc4}`]);
    tool(['domain', 'exportkeytab', keytabs.ws1, `--principal=${spns.ws1}`]);
    tool(['domain', 'exportkeytab', keytabs.alice, '--principal=alice']);
    for (const k of Object.values(keytabs)) {
      if (!existsSync(k) || statSync(k).size < 10) throw new Error(`samba-tool did not write ${k}`);
    }
    await waitForPort(port, 300_000, () => samba.exitCode !== null);
  } catch (err) {
    samba.kill('SIGKILL');
    const log = existsSync(join(dir, 'log/samba.log'))
      ? readFileSync(join(dir, 'log/samba.log'), 'utf8')
      : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `Samba AD DC did not start: ${(err as Error).message}\n${out.slice(-2000)}\n${log.slice(-2000)}`,
    );
  }

  let stopped = false;
  return {
    realm,
    domain,
    dir,
    port,
    krb5Conf,
    smbConf,
    domainSid: sid[1],
    keytabs,
    spns,
    env,
    tool,
    setAttribute,
    run,
    exec: (file, args, o = {}) => execAsync(file, args, { ...o, env: o.env ?? env }),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (samba.exitCode === null && samba.signalCode === null) {
        const exited = new Promise((r) => samba.once('exit', r));
        samba.kill('SIGTERM');
        const timer = setTimeout(() => samba.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
