/**
 * Client referrals in the AS exchange (RFC 6806 4; MIT get_in_tkt.c is_referral): a KDC that
 * does not hold the client answers KDC_ERR_WRONG_REALM naming the client's realm, and a client
 * asking for canonicalization starts over there. Neither Debian's MIT KDC (its DB2 module has no
 * out-of-realm entries; MIT tests this with its test KDB module) nor a single Samba domain (AD
 * refers only to trusted forests) produces the error, so the referring KDC is our embedded one
 * (KdcOptions.clientReferrals). MIT's kinit -C against the same pair is the judge: it must follow
 * our error as our client does, and both caches must hold the same names.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { type Kdc, startKdc } from '../../src/krb5/kdc/index.js';
import { execAsync, interopSkip, MIT_BIN } from '../harness/realm.js';

const BOB_PASSWORD = 'bob-Partner-1';

function conf(kdcs: readonly Kdc[]): string {
  return `[libdefaults]
  default_realm = ${kdcs[0].realm}
  dns_canonicalize_hostname = false
  rdns = false
  dns_lookup_kdc = false
  dns_lookup_realm = false

[realms]
${kdcs.map((k) => `  ${k.realm} = {\n    kdc = 127.0.0.1:${k.port}\n  }\n`).join('')}`;
}

function principals(klist: string): string[] {
  return klist
    .split('\n')
    .map((l) => /(?:^Default principal: |\s)(\S+@\S+)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);
}

describe('client referrals on KDC_ERR_WRONG_REALM (RFC 6806 4)', { skip: interopSkip() }, () => {
  let corp: Kdc;
  let partner: Kdc;
  let loop: Kdc;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const saved = process.env.KRB5_CONFIG;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-clientref-'));
    corp = await startKdc({
      realm: 'CORP.TEST',
      clientReferrals: { bob: 'PARTNER.TEST', carol: 'LOOP.TEST' },
    });
    partner = await startKdc({
      realm: 'PARTNER.TEST',
      principals: [{ name: 'bob', password: BOB_PASSWORD }],
    });
    loop = await startKdc({ realm: 'LOOP.TEST', clientReferrals: { carol: 'CORP.TEST' } });
    const file = join(dir, 'krb5.conf');
    writeFileSync(file, conf([corp, partner, loop]));
    env = { ...process.env, KRB5_CONFIG: file, KRB5CCNAME: `FILE:${dir}/mit.ccache` };
    delete env.KRB5_TRACE;
    process.env.KRB5_CONFIG = file;
  });
  after(async () => {
    if (saved === undefined) delete process.env.KRB5_CONFIG;
    else process.env.KRB5_CONFIG = saved;
    await Promise.all([corp?.stop(), partner?.stop(), loop?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('canonicalize: bob@CORP.TEST is referred to PARTNER.TEST and gets his TGT there, as MIT kinit -C does', async () => {
    const mit = await execAsync(MIT_BIN.kinit, ['-C', 'bob@CORP.TEST'], { env, input: `${BOB_PASSWORD}\n` });
    assert.equal(mit.code, 0, mit.stderr);
    const mitList = principals((await execAsync(MIT_BIN.klist, [], { env })).stdout);
    assert.deepEqual(mitList, ['bob@PARTNER.TEST', 'krbtgt/PARTNER.TEST@PARTNER.TEST']);

    const creds = await Credentials.acquire({
      usage: 'initiate',
      name: Name.principal('bob@CORP.TEST'),
      password: BOB_PASSWORD,
      canonicalize: true,
    });
    assert.equal(String(creds.name), 'bob@PARTNER.TEST');
    const ours = `FILE:${dir}/ours.ccache`;
    await creds.storeInto(ours);
    const ourList = principals((await execAsync(MIT_BIN.klist, ['-c', ours], { env })).stdout);
    assert.deepEqual(ourList, mitList);
    await creds.release();
  });

  it('without canonicalize the referral is not followed: C_PRINCIPAL_UNKNOWN, as MIT kinit', async () => {
    const mit = await execAsync(MIT_BIN.kinit, ['bob@CORP.TEST'], { env, input: `${BOB_PASSWORD}\n` });
    assert.notEqual(mit.code, 0);
    assert.match(mit.stderr, /not found in Kerberos database/);
    await assert.rejects(
      Credentials.acquire({
        usage: 'initiate',
        name: Name.principal('bob@CORP.TEST'),
        password: BOB_PASSWORD,
      }),
      (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN,
    );
  });

  it('two KDCs referring to each other: the loop ends with KRB5_GET_IN_TKT_LOOP, as MIT kinit', async () => {
    const mit = await execAsync(MIT_BIN.kinit, ['-C', 'carol@CORP.TEST'], { env, input: 'x\n' });
    assert.notEqual(mit.code, 0);
    assert.match(mit.stderr, /Looping detected inside krb5_get_in_tkt/);
    await assert.rejects(
      Credentials.acquire({
        usage: 'initiate',
        name: Name.principal('carol@CORP.TEST'),
        password: 'x',
        canonicalize: true,
      }),
      (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5_GET_IN_TKT_LOOP,
    );
  });
});
