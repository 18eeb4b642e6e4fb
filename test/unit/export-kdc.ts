/**
 * For the export tests: an embedded KDC (src/krb5/kdc), alice's and the acceptor's credentials,
 * and real contexts established between our initiator and our acceptor.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { type Kdc, startKdc } from '../../src/krb5/kdc/index.js';

const REALM = 'EXPORT.GSS';
const ENV_KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME'] as const;

export interface ExportWorld {
  realm: string;
  alice: Credentials;
  acceptor: Credentials;
  /** A context pair, established (mutual unless told otherwise). */
  establish(opts?: {
    mutual?: boolean;
    sequence?: boolean;
  }): Promise<{ ini: SecurityContext; acc: SecurityContext }>;
  stop(): Promise<void>;
}

export async function startExportWorld(): Promise<ExportWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-export-'));
  const kdc: Kdc = await startKdc({
    realm: REALM,
    principals: [{ name: 'alice', password: 'alice-pw-1' }, { name: 'gsstest/localhost' }],
  });
  kdc.writeKrb5Conf(join(dir, 'krb5.conf'));
  await kdc.exportKeytab(['gsstest/localhost'], join(dir, 'gsstest.keytab'));
  const saved: Record<string, string | undefined> = {};
  for (const k of ENV_KEYS) saved[k] = process.env[k];
  process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
  process.env.KRB5CCNAME = `FILE:${join(dir, 'none.ccache')}`;
  process.env.KRB5_KTNAME = `FILE:${join(dir, 'gsstest.keytab')}`;
  process.env.KRB5_CLIENT_KTNAME = `FILE:${join(dir, 'no-client.keytab')}`;
  const alice = await Credentials.acquire({
    usage: 'initiate',
    name: Name.user('alice'),
    password: 'alice-pw-1',
  });
  const acceptor = await Credentials.acquire({ usage: 'accept' });
  return {
    realm: REALM,
    alice,
    acceptor,
    async establish(opts = {}) {
      const ini = SecurityContext.initiate({
        target: Name.hostbased('gsstest@localhost'),
        credentials: alice,
        mutual: opts.mutual,
        sequence: opts.sequence ?? true,
      });
      const acc = SecurityContext.accept({ credentials: acceptor });
      const t1 = await ini.step();
      const t2 = await acc.step(t1);
      if (opts.mutual !== false) await ini.step(t2);
      assert.ok(ini.isEstablished && acc.isEstablished);
      return { ini, acc };
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
