/**
 * For the security suites: an embedded KDC (src/krb5/kdc), a krb5.conf, a service keytab, alice's
 * initiator credentials and the acceptor's, and a real context pair with the tokens it exchanged.
 * Environment variables are set for this process (each test file runs in its own process).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { Credentials } from '../../../src/gssapi/creds/creds.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { Profile } from '../../../src/krb5/config/profile.js';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { clientConfigFromProfile } from '../../../src/krb5/kdc-client/load.js';
import type { KdcClientSettings } from '../../../src/krb5/kdc-client/settings.js';

export const REALM = 'SECURITY.GSS';
export const ALICE_PASSWORD = 'alice-Security-pw-1';
const ENV_KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME'] as const;

export interface Established {
  ini: SecurityContext;
  acc: SecurityContext;
  /** The initiator's AP-REQ token and the acceptor's AP-REP token. */
  apReqToken: Uint8Array;
  apRepToken: Uint8Array;
}

export interface SecurityWorld {
  kdc: Kdc;
  dir: string;
  keytabPath: string;
  keytabBytes: Uint8Array;
  settings: KdcClientSettings;
  alice: Credentials;
  acceptor: Credentials;
  establish(opts?: { mutual?: boolean; delegate?: boolean }): Promise<Established>;
  stop(): Promise<void>;
}

export async function startSecurityWorld(): Promise<SecurityWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-security-'));
  const kdc = await startKdc({
    realm: REALM,
    principals: [{ name: 'alice', password: ALICE_PASSWORD }, { name: 'gsstest/localhost' }],
  });
  const keytabPath = join(dir, 'gsstest.keytab');
  kdc.writeKrb5Conf(join(dir, 'krb5.conf'));
  await kdc.exportKeytab(['gsstest/localhost'], keytabPath);
  const saved: Record<string, string | undefined> = {};
  for (const k of ENV_KEYS) saved[k] = process.env[k];
  process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
  process.env.KRB5CCNAME = `FILE:${join(dir, 'alice.ccache')}`;
  process.env.KRB5_KTNAME = `FILE:${keytabPath}`;
  process.env.KRB5_CLIENT_KTNAME = `FILE:${join(dir, 'no-client.keytab')}`;
  const alice = await Credentials.acquire({
    usage: 'initiate',
    name: Name.user('alice'),
    password: ALICE_PASSWORD,
  });
  const acceptor = await Credentials.acquire({ usage: 'accept' });
  return {
    kdc,
    dir,
    keytabPath,
    keytabBytes: new Uint8Array(readFileSync(keytabPath)),
    settings: clientConfigFromProfile(Profile.parse(kdc.krb5Conf)).settings,
    alice,
    acceptor,
    async establish(opts = {}) {
      const ini = SecurityContext.initiate({
        target: Name.hostbased('gsstest@localhost'),
        credentials: alice,
        mutual: opts.mutual ?? true,
        delegate: opts.delegate,
        replayDetection: true,
        sequence: true,
        confidentiality: true,
      });
      const acc = SecurityContext.accept({ credentials: acceptor });
      const apReqToken = await ini.step();
      assert.ok(apReqToken);
      const apRepToken = (await acc.step(apReqToken)) ?? new Uint8Array();
      if (opts.mutual !== false) await ini.step(apRepToken);
      assert.ok(ini.isEstablished && acc.isEstablished);
      return { ini, acc, apReqToken, apRepToken };
    },
    async stop() {
      for (const k of ENV_KEYS) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
      await kdc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
