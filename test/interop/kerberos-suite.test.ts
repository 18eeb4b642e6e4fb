/**
 * npm `kerberos` 7.0.0's own mocha suite (test/compat/kerberos, vendored unchanged) against
 * gssapi-ts/kerberos, provisioned as upstream's CI does (.evergreen/run-tests-ubuntu.sh) but in
 * temp dirs: an MIT realm EXAMPLE.COM with administrator/Password01 and HTTP/host/... keys in the
 * default keytab, administrator's TGT from MIT kinit, and Apache with mod_auth_gssapi for the
 * HTTP Negotiate test. All 24 tests must pass and none may be skipped.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApacheGssapi, apacheGssapiAvailable, startApacheGssapi } from '../harness/apache-gssapi.js';
import { ensureBuild } from '../harness/build.js';
import { execAsync, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';

const SUITE_DIR = resolve('test/compat/kerberos');
const MOCHA = resolve('node_modules/mocha/bin/mocha.js');
const USERNAME = 'administrator';
const PASSWORD = 'Password01';

function skip(): string | false {
  const mit = interopSkip();
  if (mit || process.env.CI) return mit;
  if (!apacheGssapiAvailable()) return 'apache2-bin and libapache2-mod-auth-gssapi are not installed';
  return false;
}

interface MochaJson {
  stats: { suites: number; tests: number; passes: number; pending: number; failures: number };
  failures: { fullTitle: string; err: { message?: string } }[];
  passes: { fullTitle: string }[];
}

describe('npm kerberos 7.0.0 test suite against gssapi-ts/kerberos', { skip: skip() }, () => {
  let realm: Realm;
  let apache: ApacheGssapi;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ensureBuild('dist/cjs/kerberos/index.js');
    realm = await startRealm({ realm: 'EXAMPLE.COM' });
    realm.kadmin(`addprinc -pw ${PASSWORD} ${USERNAME}`);
    const ccache = `FILE:${realm.dir}/administrator.ccache`;
    env = {
      ...realm.env,
      KRB5CCNAME: ccache,
      // The default keytab, as upstream's /etc/krb5.keytab: gsstest/, host/ and HTTP/localhost.
      KRB5_KTNAME: `FILE:${realm.keytabs.services}`,
    };
    realm.run(MIT_BIN.kinit, [USERNAME], { input: `${PASSWORD}\n`, env });
    apache = await startApacheGssapi({
      krb5Conf: realm.krb5Conf,
      keytab: realm.keytabs.http,
      requireUser: `${USERNAME}@${realm.realm}`,
      serverName: 'localhost',
    });
  });

  after(async () => {
    await apache?.stop();
    await realm?.stop();
  });

  it('passes all 24 tests with none skipped', async () => {
    const r = await execAsync(
      process.execPath,
      [
        MOCHA,
        // upstream's .mocharc.json, with a JSON reporter instead of its xunit one
        '--require',
        join(SUITE_DIR, 'test/tools/hooks/environment_hook.js'),
        '--fail-zero',
        '--sort',
        '--reporter',
        'json',
        join(SUITE_DIR, 'test/exports_tests.js'),
        join(SUITE_DIR, 'test/kerberos_tests.js'),
      ],
      {
        env: {
          ...env,
          KERBEROS_USERNAME: USERNAME,
          KERBEROS_PASSWORD: PASSWORD,
          KERBEROS_REALM: 'example.com',
          KERBEROS_HOSTNAME: 'localhost',
          KERBEROS_PORT: String(apache.port),
        },
        timeoutMs: 120_000,
      },
    );
    let report: MochaJson;
    try {
      report = JSON.parse(r.stdout) as MochaJson;
    } catch {
      assert.fail(`mocha printed no JSON report (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    const failed = report.failures.map((f) => `${f.fullTitle}: ${f.err.message}`).join('\n');
    assert.equal(report.stats.failures, 0, `${failed}\n--- apache error log:\n${apache.errorLog()}`);
    assert.equal(report.stats.pending, 0);
    assert.equal(report.stats.tests, 24);
    assert.equal(report.stats.passes, 24);
    assert.equal(r.code, 0);
    assert.ok(
      report.passes.some(
        (p) => p.fullTitle === 'Kerberos should authenticate against a kerberos HTTP endpoint',
      ),
    );
  });
});
