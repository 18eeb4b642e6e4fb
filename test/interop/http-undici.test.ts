/**
 * negotiateInterceptor on undici 7 (`new Agent().compose(negotiateInterceptor())`), live, with
 * a throwaway MIT realm: against Apache httpd + mod_auth_gssapi (undici's `request` and `fetch`,
 * Node's global fetch given the dispatcher, Apache's mutual token verified; a server with the
 * wrong key is a GssError naming MIT's reason), and against our node:http adapter (a POST body
 * sent again on the authenticated leg, delegation, a forged mutual token refused before the
 * caller sees the response, requireMutualAuth).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Agent, request, fetch as undiciFetch } from 'undici';
import { MINOR } from '../../src/errors/minor.js';
import { GssError } from '../../src/errors/status.js';
import { Credentials } from '../../src/gssapi/creds/creds.js';
import { type NegotiatedRequest, negotiateInterceptor, withNegotiate } from '../../src/http/index.js';
import { type Apache, apacheAvailable, startApache } from '../harness/apache.js';
import { AES_ENCTYPES, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

function skip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!apacheAvailable() && !process.env.CI) return 'apache2 and mod_auth_gssapi are not installed';
  return false;
}

describe('negotiateInterceptor (undici 7) against Apache mod_auth_gssapi and our server', {
  skip: skip(),
}, () => {
  let realm: Realm;
  let apache: Apache;
  let ours: Server;
  let oursPort: number;
  let forge = false;
  let restoreEnv: (() => void) | undefined;
  const agents: Agent[] = [];
  const dispatcher = (opts: Parameters<typeof negotiateInterceptor>[0] = {}) => {
    const a = new Agent();
    agents.push(a);
    return a.compose(negotiateInterceptor(opts));
  };

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    apache = await startApache({
      keytab: realm.keytabs.http,
      krb5Conf: realm.krb5Conf,
      page: 'the protected page\n',
    });
    ours = createServer(
      withNegotiate(
        (req: NegotiatedRequest<import('node:http').IncomingMessage>, res) => {
          let body = '';
          req.on('data', (d) => {
            body += String(d);
          });
          req.on('end', () => {
            // A forged mutual token replaces ours: the client must refuse the response.
            if (forge) res.setHeader('WWW-Authenticate', 'Negotiate oRQwEqADCgEAoQsGCSqGSIb3EgECAg==');
            const deleg = req.negotiate.delegatedCredentials;
            res.end(
              `${req.negotiate.principal} ${req.method} ${body} deleg=${deleg ? String(deleg.name) : 'none'}`,
            );
          });
        },
        { keytab: `FILE:${realm.keytabs.http}` },
      ),
    );
    await new Promise<void>((r) => ours.listen(0, '127.0.0.1', r));
    oursPort = (ours.address() as AddressInfo).port;
  });
  after(async () => {
    for (const a of agents) await a.close();
    await new Promise((r) => {
      ours?.close(r);
      ours?.closeAllConnections();
    });
    await apache?.stop();
    restoreEnv?.();
    await realm?.stop();
  });

  const apacheUrl = (path = '/private/page.txt') => `http://localhost:${apache.port}${path}`;

  it("Apache: undici's request gets the page, with Apache's mutual token verified", async () => {
    const res = await request(apacheUrl(), { dispatcher: dispatcher({ requireMutualAuth: true }) });
    assert.equal(res.statusCode, 200, apache.errorLog());
    assert.equal(await res.body.text(), 'the protected page\n');
    assert.match(String(res.headers['www-authenticate']), /^Negotiate oY/);
  });

  it("Apache: undici's fetch and Node's global fetch with the dispatcher; raw krb5 too", async () => {
    const d = dispatcher();
    const a = await undiciFetch(apacheUrl(), { dispatcher: d });
    assert.equal(a.status, 200);
    assert.equal(await a.text(), 'the protected page\n');
    const b = await fetch(apacheUrl(), { dispatcher: d } as unknown as RequestInit);
    assert.equal(b.status, 200);
    assert.equal(await b.text(), 'the protected page\n');
    const raw = await request(apacheUrl(), {
      dispatcher: dispatcher({ mech: 'krb5', requireMutualAuth: true }),
    });
    assert.equal(raw.statusCode, 200);
    await raw.body.text();
    // Pages that need no authentication pass through untouched.
    const pub = await request(apacheUrl('/public/page.txt'), { dispatcher: d });
    assert.equal(pub.statusCode, 200);
    await pub.body.text();
  });

  it('Apache with the wrong key for HTTP/localhost: a GssError naming the reason', async () => {
    const wrong = join(realm.dir, 'wrong-http-undici.keytab');
    const lines = AES_ENCTYPES.map(
      (e) => `addent -password -p HTTP/localhost@${realm.realm} -k 1 -e ${e}\nnot-the-key-2\n`,
    ).join('');
    realm.run(MIT_BIN.ktutil, [], { input: `${lines}wkt ${wrong}\nquit\n` });
    const bad = await startApache({ keytab: wrong, krb5Conf: realm.krb5Conf });
    try {
      await assert.rejects(
        request(`http://localhost:${bad.port}/private/page.txt`, { dispatcher: dispatcher() }),
        (e: unknown) => {
          assert.ok(e instanceof GssError, String(e));
          assert.match(
            e.message,
            /^HTTP@localhost: the server refused our Kerberos token: Decrypt integrity/,
          );
          assert.equal(e.minor, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
          return true;
        },
      );
    } finally {
      await bad.stop();
    }
  });

  it('ours: a POST body is sent again on the authenticated leg; delegation; preemptive', async () => {
    const url = `http://localhost:${oursPort}/`;
    const post = await request(url, { method: 'POST', body: 'hello', dispatcher: dispatcher() });
    assert.equal(post.statusCode, 200);
    assert.equal(await post.body.text(), `alice@${realm.realm} POST hello deleg=none`);
    const deleg = await request(url, { dispatcher: dispatcher({ delegate: true, preemptive: true }) });
    assert.equal(await deleg.body.text(), `alice@${realm.realm} GET  deleg=alice@${realm.realm}`);
    const creds = await Credentials.acquire({ usage: 'initiate' });
    const explicit = await request(url, {
      dispatcher: dispatcher({ credentials: creds, requireMutualAuth: true }),
    });
    assert.equal(explicit.statusCode, 200);
    await explicit.body.text();
  });

  it('ours: a forged mutual token is refused before the caller sees the response', async () => {
    forge = true;
    try {
      await assert.rejects(
        request(`http://localhost:${oursPort}/`, { dispatcher: dispatcher() }),
        (e: unknown) => e instanceof GssError,
      );
    } finally {
      forge = false;
    }
  });
});
