/**
 * Per-enctype setups for the gss-sample interop suites: for each AES enctype a service principal
 * with keys of that enctype only (so the ticket is encrypted with it), its keytab, a krb5.conf
 * with permitted/default_tgs/default_tkt_enctypes set to it (session key and subkeys), and a
 * ccache for alice got with that krb5.conf.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AES_ENCTYPES, MIT_BIN, type Realm } from '../harness/realm.js';

export interface EnctypeSetup {
  readonly enctype: string;
  /** Host-based service name, e.g. `sample0@localhost`. */
  readonly service: string;
  readonly principal: string;
  readonly keytab: string;
  readonly krb5Conf: string;
  readonly ccache: string;
  /** The realm's env with this krb5.conf and ccache. */
  readonly env: NodeJS.ProcessEnv;
}

/** Absolute path of the `gss` entry run from source (for workers and CLI runs). */
export const GSS_ENTRY = resolve(import.meta.dirname, '../../src/cli/gss.ts');

export const WORKER_SPEC = { modulePath: GSS_ENTRY, args: ['worker'], execArgv: ['--import', 'tsx'] };

export function setupEnctypes(realm: Realm): EnctypeSetup[] {
  const base = readFileSync(realm.krb5Conf, 'utf8');
  return AES_ENCTYPES.map((enctype, i) => {
    const principal = `sample${i}/localhost`;
    realm.kadmin(`addprinc -randkey -e ${enctype}:normal ${principal}`);
    const keytab = join(realm.dir, `sample${i}.keytab`);
    realm.kadmin(`ktadd -k ${keytab} -norandkey ${principal}`);
    const krb5Conf = join(realm.dir, `krb5-${enctype}.conf`);
    const lines = [
      `permitted_enctypes = ${enctype}`,
      `default_tgs_enctypes = ${enctype}`,
      `default_tkt_enctypes = ${enctype}`,
    ];
    writeFileSync(krb5Conf, base.replace('[libdefaults]\n', `[libdefaults]\n  ${lines.join('\n  ')}\n`));
    const ccache = `FILE:${join(realm.dir, `alice-${i}.ccache`)}`;
    const env = { ...realm.env, KRB5_CONFIG: krb5Conf, KRB5CCNAME: ccache };
    realm.run(MIT_BIN.kinit, ['alice'], { input: `${realm.alicePassword}\n`, env });
    const kt = realm.run(MIT_BIN.klist, ['-k', '-e', keytab], { env });
    if (!kt.includes(`(${enctype})`) || kt.split('\n').filter((l) => l.includes('@')).length !== 1) {
      throw new Error(`keytab for ${enctype} is not a single ${enctype} key:\n${kt}`);
    }
    return {
      enctype,
      service: `sample${i}@localhost`,
      principal: `${principal}@${realm.realm}`,
      keytab,
      krb5Conf,
      ccache,
      env,
    };
  });
}

/** The (session key, ticket) enctypes of the cached ticket for `principal`, from MIT klist -e. */
export function ticketEnctypes(realm: Realm, setup: EnctypeSetup): string | undefined {
  const out = realm.run(MIT_BIN.klist, ['-e', '-c', setup.ccache], { env: setup.env });
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.includes(setup.principal));
  const m = i >= 0 ? /Etype \(skey, tkt\): (\S+), (\S+)/.exec(lines.slice(i, i + 3).join('\n')) : null;
  return m ? `${m[1]} ${m[2]}` : undefined;
}

/** Polls `cond` until true (rejects after `ms`). */
export async function waitFor(cond: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One gss-client option set of the matrix, and what a correct run shows. */
export interface ClientCase {
  readonly name: string;
  readonly args: readonly string[];
  readonly mutual: boolean;
  readonly replay: boolean;
  readonly sequence: boolean;
  readonly delegate: boolean;
  readonly auth: boolean;
  readonly wrap: boolean;
  readonly encrypt: boolean;
  readonly mic: boolean;
  readonly ccount: number;
  readonly mcount: number;
}

function clientCase(name: string, args: string[], over: Partial<ClientCase> = {}): ClientCase {
  return {
    name,
    args,
    mutual: true,
    replay: true,
    sequence: false,
    delegate: false,
    auth: true,
    wrap: true,
    encrypt: true,
    mic: true,
    ccount: 1,
    mcount: 1,
    ...over,
  };
}

export const CLIENT_CASES: readonly ClientCase[] = [
  clientCase('default', []),
  clientCase('-nomutual', ['-nomutual'], { mutual: false }),
  clientCase('-seq', ['-seq'], { sequence: true }),
  clientCase('-noreplay', ['-noreplay'], { replay: false }),
  clientCase('-d', ['-d'], { delegate: true }),
  clientCase('-ccount 3 -mcount 5', ['-ccount', '3', '-mcount', '5'], { ccount: 3, mcount: 5 }),
  clientCase('-nw', ['-nw'], { wrap: false }),
  clientCase('-nx', ['-nx'], { encrypt: false }),
  clientCase('-nm', ['-nm'], { mic: false }),
  clientCase('-na', ['-na'], { auth: false, wrap: false, encrypt: false, mic: false }),
];

/** The context flag lines a gss-sample server logs for a case (MIT display_ctx_flags). */
export function expectedFlagLines(c: ClientCase): string[] {
  if (!c.auth) return [];
  const out: string[] = [];
  if (c.delegate) out.push('context flag: GSS_C_DELEG_FLAG');
  if (c.mutual) out.push('context flag: GSS_C_MUTUAL_FLAG');
  if (c.replay) out.push('context flag: GSS_C_REPLAY_FLAG');
  if (c.sequence) out.push('context flag: GSS_C_SEQUENCE_FLAG');
  out.push('context flag: GSS_C_CONF_FLAG ', 'context flag: GSS_C_INTEG_FLAG ');
  return out;
}

/** The log of one connection of a case as MIT gss-server's -logfile has it (not verbose). */
export function expectedMitLog(c: ClientCase, message: string): string[] {
  const out = c.auth ? expectedFlagLines(c) : ['Accepted unauthenticated connection.'];
  for (let i = 0; i < c.mcount; i++) out.push(`Received message: "${message}"`);
  out.push('NOOP token');
  return out;
}
