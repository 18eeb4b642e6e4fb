/**
 * gss_acquire_cred outcomes compared with MIT krb5 1.20 (python3-gssapi) in the same
 * environment: missing caches and keytabs, names that do not match, password and client-keytab
 * initiators.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GssError } from '../../src/errors/status.js';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { preserveEnv } from '../harness/realm-env.js';
import { startMitPeer } from './context-peer.js';

const ENV_KEYS = [
  'KRB5_CONFIG',
  'KRB5CCNAME',
  'KRB5_KTNAME',
  'KRB5_CLIENT_KTNAME',
  'KRB5_KDC_PROFILE',
] as const;

const SCRIPT = `
import gssapi, json, os, sys
req = json.loads(sys.argv[1])
kw = {'usage': req['usage']}
if req.get('name'):
    kw['name'] = gssapi.Name(req['name'], gssapi.NameType.hostbased_service if '@' in req['name'] and '/' not in req['name'] and req.get('hostbased') else gssapi.NameType.kerberos_principal)
if req.get('ccache'):
    kw['store'] = {'ccache': req['ccache']}
try:
    c = gssapi.Credentials(**kw)
    print(json.dumps({'name': str(c.name)}))
except gssapi.exceptions.GSSError as e:
    print(json.dumps({'major': e.maj_code, 'minor': e.min_code}))
`;

interface Case {
  label: string;
  usage: 'initiate' | 'accept';
  name?: string;
  hostbased?: boolean;
  ccache?: string;
  env: Record<string, string>;
}

describe('acquiring credentials, as MIT', { skip: interopSkip() }, () => {
  let realm: Realm;
  let restoreEnv = () => {};
  before(async () => {
    realm = await startRealm();
    restoreEnv = preserveEnv();
  });
  after(async () => {
    restoreEnv();
    await realm?.stop();
  });

  function withEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...realm.env,
      KRB5_CLIENT_KTNAME: `FILE:${join(realm.dir, 'no-client.keytab')}`,
      ...extra,
    };
    for (const k of ENV_KEYS) {
      if (env[k] === undefined) delete process.env[k];
      else process.env[k] = env[k];
    }
    return env;
  }

  async function mit(c: Case, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
    const out = await realm.exec(MIT_BIN.python3, ['-c', SCRIPT, JSON.stringify(c)], { env });
    return JSON.parse(out.stdout) as Record<string, unknown>;
  }

  async function ours(c: Case): Promise<Record<string, unknown>> {
    try {
      const name = c.name ? (c.hostbased ? Name.hostbased(c.name) : Name.principal(c.name)) : undefined;
      const creds = await Credentials.acquire({ usage: c.usage, name, ccache: c.ccache });
      return { name: String(creds.name) };
    } catch (e) {
      assert.ok(e instanceof GssError, String(e));
      return { major: e.major, minor: e.minor };
    }
  }

  const nowhere = (f: string) => `FILE:/nonexistent-gssapi-ts/${f}`;
  const cases = (): Case[] => [
    { label: 'initiator, default cache missing', usage: 'initiate', env: { KRB5CCNAME: nowhere('cc') } },
    { label: 'initiator, default cache', usage: 'initiate', env: {} },
    { label: 'initiator, name not in the default cache', usage: 'initiate', name: 'bob', env: {} },
    {
      label: 'initiator, explicit cache missing',
      usage: 'initiate',
      name: 'alice',
      ccache: nowhere('cc2'),
      env: {},
    },
    {
      label: 'initiator, name not in an explicit cache',
      usage: 'initiate',
      name: 'bob',
      ccache: realm.aliceCcache,
      env: {},
    },
    { label: 'acceptor, keytab missing', usage: 'accept', env: { KRB5_KTNAME: nowhere('kt') } },
    {
      label: 'acceptor, keytab missing, named',
      usage: 'accept',
      name: 'gsstest@localhost',
      hostbased: true,
      env: { KRB5_KTNAME: nowhere('kt') },
    },
    {
      label: 'acceptor, named service in the keytab',
      usage: 'accept',
      name: 'gsstest@localhost',
      hostbased: true,
      env: {},
    },
    {
      label: 'acceptor, named service not in the keytab',
      usage: 'accept',
      name: 'other@localhost',
      hostbased: true,
      env: {},
    },
    { label: 'acceptor, principal name', usage: 'accept', name: 'gsstest/localhost@TEST.GSS', env: {} },
  ];

  it('the same names or the same major and minor codes', async () => {
    for (const c of cases()) {
      const env = withEnv(c.env);
      const [m, o] = [await mit(c, env), await ours(c)];
      assert.deepEqual(o, m, c.label);
    }
  });

  it('an initiator from a password and from a client keytab establishes with MIT', async () => {
    withEnv({ KRB5CCNAME: nowhere('cc3') });
    const byPassword = await Credentials.acquire({
      usage: 'initiate',
      name: Name.user('alice'),
      password: realm.alicePassword,
    });
    withEnv({
      KRB5CCNAME: `FILE:${join(realm.dir, 'from-client-kt.ccache')}`,
      KRB5_CLIENT_KTNAME: `FILE:${realm.keytabs.alice}`,
    });
    const byKeytab = await Credentials.acquire({ usage: 'initiate' });
    assert.equal(String(byKeytab.name), 'alice@TEST.GSS');
    const peer = startMitPeer(realm.env);
    try {
      for (const credentials of [byPassword, byKeytab]) {
        await peer.ok({ op: 'accept' });
        const ctx = SecurityContext.initiate({ target: Name.hostbased('gsstest@localhost'), credentials });
        const r = await peer.ok({ op: 'step', token: toHex((await ctx.step())!) });
        await ctx.step(fromHex(String(r.token)));
        assert.equal((await peer.ok({ op: 'inquire' })).initiator, 'alice@TEST.GSS');
      }
    } finally {
      await peer.close();
    }
  });
});
