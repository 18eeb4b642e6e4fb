/**
 * HTTP Negotiate with our own client and server over the embedded KDC: negotiateFetch against
 * withNegotiate (node:http), the mutual token verified (and a forged one refused), the
 * continuation leg of SPNEGO request-mic on one connection, raw krb5 tokens, delegation, and
 * the refusals the server must answer with 401 and a logged reason while it keeps serving.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GssError } from '../../../src/errors/status.js';
import { SecurityContext } from '../../../src/gssapi/context/context.js';
import { Credentials } from '../../../src/gssapi/creds/creds.js';
import {
  encodeMechTypes,
  encodeNegTokenInit,
  encodeNegTokenResp,
} from '../../../src/gssapi/mech/spnego/negotiation-token.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { TOK_ID_AP_REP, wrapInitialContextToken } from '../../../src/gssapi/token/framing.js';
import { KRB5_MECH_OID_BYTES, oidToBytes } from '../../../src/gssapi/token/oid.js';
import { type NegotiateFailure, negotiateFetch, withNegotiate } from '../../../src/http/index.js';
import { type Kdc, startKdc } from '../../../src/krb5/kdc/index.js';
import { utf8 } from '../../../src/util/bytes.js';

const REALM = 'HTTP.GSS';
const ENV_KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_CLIENT_KTNAME'] as const;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** One raw request on a fresh connection (no fetch retries): status, WWW-Authenticate, body. */
function rawGet(
  port: number,
  authorization?: string,
): Promise<{ status: number; www?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', headers: authorization ? { authorization } : {}, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += String(d);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, www: res.headers['www-authenticate'], body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP Negotiate: negotiateFetch against withNegotiate (embedded KDC)', () => {
  let kdc: Kdc;
  let dir: string;
  let server: Server;
  let port: number;
  let alice: Credentials;
  const failures: NegotiateFailure[] = [];
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-http-'));
    kdc = await startKdc({
      realm: REALM,
      principals: [
        { name: 'alice', password: 'alice-pw-1' },
        { name: 'HTTP/localhost' },
        { name: 'other/localhost' },
      ],
    });
    kdc.writeKrb5Conf(join(dir, 'krb5.conf'));
    await kdc.exportKeytab(['HTTP/localhost'], join(dir, 'http.keytab'));
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    process.env.KRB5_CONFIG = join(dir, 'krb5.conf');
    process.env.KRB5CCNAME = `FILE:${join(dir, 'none.ccache')}`;
    process.env.KRB5_KTNAME = `FILE:${join(dir, 'http.keytab')}`;
    process.env.KRB5_CLIENT_KTNAME = `FILE:${join(dir, 'no-client.keytab')}`;
    alice = await Credentials.acquire({
      usage: 'initiate',
      name: Name.user('alice'),
      password: 'alice-pw-1',
    });
    server = createServer(
      withNegotiate(
        (req, res) => {
          res.setHeader('Content-Type', 'text/plain');
          res.end(
            `hello ${req.negotiate.principal} realm=${req.negotiate.realm} deleg=${String(req.negotiate.delegatedCredentials?.name ?? '-')}`,
          );
        },
        { maxTokenSize: 8192, onError: (f) => failures.push(f) },
      ),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => server?.close(r));
    server?.closeAllConnections();
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await kdc?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const url = () => `http://localhost:${port}/`;

  it('without credentials: 401 and a bare Negotiate challenge, nothing logged', async () => {
    const before = failures.length;
    const r = await rawGet(port);
    assert.equal(r.status, 401);
    assert.equal(r.www, 'Negotiate');
    assert.equal(failures.length, before);
  });

  it('negotiateFetch: 401, SPNEGO token, 200 with the mutual token verified', async () => {
    const res = await negotiateFetch(url(), {}, { credentials: alice, requireMutualAuth: true });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `hello alice@${REALM} realm=${REALM} deleg=-`);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Negotiate [A-Za-z0-9+/]+=*$/);
  });

  it('raw krb5 tokens and preemptive sending work too', async () => {
    const res = await negotiateFetch(url(), {}, { credentials: alice, mech: 'krb5', preemptive: true });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^hello alice@/);
  });

  it('delegation: the server holds the delegated TGT', async () => {
    const res = await negotiateFetch(url(), {}, { credentials: alice, delegate: true });
    assert.equal(await res.text(), `hello alice@${REALM} realm=${REALM} deleg=alice@${REALM}`);
  });

  it('a forged mutual token is a GssError, not a response', async () => {
    const liar = createServer((req, res) => {
      if (!req.headers.authorization) {
        res.statusCode = 401;
        res.setHeader('WWW-Authenticate', 'Negotiate');
        return res.end();
      }
      // accept-completed + krb5 with a junk AP-REP inside.
      const junk = wrapInitialContextToken(TOK_ID_AP_REP, utf8('not an AP-REP'));
      const forged = encodeNegTokenResp({
        negState: 0,
        supportedMech: KRB5_MECH_OID_BYTES,
        responseToken: junk,
      });
      res.setHeader('WWW-Authenticate', `Negotiate ${b64(forged)}`);
      res.end('pretend');
    });
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    try {
      const p = (liar.address() as AddressInfo).port;
      await assert.rejects(negotiateFetch(`http://localhost:${p}/`, {}, { credentials: alice }), GssError);
    } finally {
      liar.close();
      liar.closeAllConnections();
    }
  });

  it('request-mic: a continuation leg on the same connection', async () => {
    const ini = SecurityContext.initiate({
      target: Name.hostbased('HTTP@localhost'),
      credentials: alice,
      mech: 'spnego',
      spnegoMechs: ['1.3.6.1.4.1.311.2.2.10', '1.2.840.113554.1.2.2'],
    });
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (token: Uint8Array) =>
      new Promise<{ status: number; www?: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/',
            agent,
            headers: { authorization: `Negotiate ${b64(token)}` },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, www: res.headers['www-authenticate'] }),
            );
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      let token = await ini.step();
      let status = 0;
      for (let i = 0; token && i < 4; i++) {
        const r = await send(token);
        status = r.status;
        const m = /^Negotiate (\S+)$/.exec(r.www ?? '');
        if (!m) break;
        token = await ini.step(Uint8Array.from(Buffer.from(m[1], 'base64')));
        if (r.status === 200) break;
      }
      assert.equal(status, 200);
      assert.ok(ini.isEstablished);
    } finally {
      agent.destroy();
    }
  });

  it('refusals: 401 with a logged reason, and the server keeps serving', async () => {
    const ntlmOnly = encodeNegTokenInit({
      mechTypesDer: encodeMechTypes([oidToBytes('1.3.6.1.4.1.311.2.2.10')]),
      mechToken: utf8('NTLMSSP\0\x01\0\0\0'),
    });
    // A ticket for a service whose key the server does not hold.
    const other = SecurityContext.initiate({
      target: Name.hostbased('other@localhost'),
      credentials: alice,
      mech: 'spnego',
    });
    const otherToken = (await other.step()) as Uint8Array;
    // A valid token, used twice.
    const once = SecurityContext.initiate({
      target: Name.hostbased('HTTP@localhost'),
      credentials: alice,
      mech: 'spnego',
    });
    const onceToken = (await once.step()) as Uint8Array;
    assert.equal((await rawGet(port, `Negotiate ${b64(onceToken)}`)).status, 200);
    const cases: [string, string, RegExp][] = [
      ['NTLM-only', `Negotiate ${b64(ntlmOnly)}`, /SPNEGO failed to negotiate a mechanism.*NTLMSSP/],
      ['garbage', 'Negotiate !!!not-base64!!!', /not base64/],
      ['garbage token', `Negotiate ${b64(utf8('hello world, no token'))}`, /token refused/],
      ['oversized', `Negotiate ${'A'.repeat(12000)}`, /exceeds the 8192-byte limit/],
      ['replayed', `Negotiate ${b64(onceToken)}`, /replay/i],
      ['another service', `Negotiate ${b64(otherToken)}`, /token refused/],
      ['another scheme', 'Basic YWxpY2U6cHc=', /not Negotiate/],
    ];
    for (const [name, header, reason] of cases) {
      const n = failures.length;
      const r = await rawGet(port, header);
      assert.equal(r.status, 401, name);
      assert.match(r.www ?? '', /^Negotiate/, name);
      assert.equal(r.body, 'Unauthorized\n', `${name}: no detail to the client`);
      assert.equal(failures.length, n + 1, `${name}: one logged reason`);
      assert.match(failures[n].reason, reason, name);
      const ok = await negotiateFetch(url(), {}, { credentials: alice });
      assert.equal(ok.status, 200, `${name}: the server still serves`);
      await ok.text();
    }
    // Over node's own header limit (16 KiB): node answers 431 itself, and still serves after.
    const huge = await rawGet(port, `Negotiate ${'A'.repeat(40000)}`);
    assert.equal(huge.status, 431);
    assert.equal((await negotiateFetch(url(), {}, { credentials: alice })).status, 200);
  });
});
