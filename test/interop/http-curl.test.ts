/**
 * curl --negotiate (MIT GSS-API under curl, SPNEGO) against our server adapters: node:http
 * (withNegotiate), Express (negotiate middleware) and Fastify (negotiateHook), with a live MIT
 * realm. curl's token is accepted, our mutual token is accepted by curl, `--delegation always`
 * gives the server a TGT it then uses at MIT's KDC, and curl without a ticket gets 401.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { SecurityContext } from '../../src/gssapi/context/context.js';
import type { Credentials } from '../../src/gssapi/creds/creds.js';
import { Name } from '../../src/gssapi/names/names.js';
import {
  type NegotiatedRequest,
  type NegotiateFailure,
  type NegotiateIdentity,
  negotiate,
  negotiateHook,
  withNegotiate,
} from '../../src/http/index.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';

const CURL = '/usr/bin/curl';

/** What each server answers once authenticated: who, and proof that a delegated TGT works. */
async function describeClient(id: NegotiateIdentity): Promise<string> {
  let deleg = '-';
  const d: Credentials | undefined = id.delegatedCredentials;
  if (d) {
    // The delegated TGT gets a ticket for another service from MIT's KDC.
    const ctx = SecurityContext.initiate({ target: Name.hostbased('host@localhost'), credentials: d });
    deleg = (await ctx.step()) ? `used by ${String(d.name)}` : 'unusable';
  }
  return `hello ${id.principal} deleg=${deleg}\n`;
}

describe('curl --negotiate against our HTTP adapters', { skip: interopSkip() }, () => {
  let realm: Realm;
  let restoreEnv = () => {};
  const failures: NegotiateFailure[] = [];
  const servers: { name: string; port: number; close: () => Promise<void> }[] = [];

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    const opts = { keytab: `FILE:${realm.keytabs.http}`, onError: (f: NegotiateFailure) => failures.push(f) };

    const plain: Server = createServer(
      withNegotiate(async (req, res) => {
        res.end(await describeClient(req.negotiate));
      }, opts),
    );
    const app = express();
    app.use(negotiate(opts));
    app.get('/', async (req, res) => {
      res
        .type('text/plain')
        .send(await describeClient((req as unknown as NegotiatedRequest<object>).negotiate));
    });
    const viaExpress: Server = createServer(app);
    for (const [name, s] of [
      ['node:http', plain],
      ['express', viaExpress],
    ] as const) {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      servers.push({
        name,
        port: (s.address() as AddressInfo).port,
        close: () =>
          new Promise((r) => {
            s.close(() => r());
            s.closeAllConnections();
          }),
      });
    }
    const fastify: FastifyInstance = Fastify();
    fastify.decorateRequest('negotiate', null);
    fastify.addHook('onRequest', negotiateHook(opts));
    fastify.get('/', async (request) =>
      describeClient((request as unknown as { negotiate: NegotiateIdentity }).negotiate),
    );
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    servers.push({
      name: 'fastify',
      port: (fastify.server.address() as AddressInfo).port,
      close: () => fastify.close(),
    });
  });
  after(async () => {
    for (const s of servers) await s.close();
    restoreEnv();
    await realm?.stop();
  });

  const curl = (port: number, extra: string[] = [], env = realm.env) =>
    realm.exec(CURL, ['-sS', '-v', '--negotiate', '-u', ':', ...extra, `http://localhost:${port}/`], { env });

  for (const name of ['node:http', 'express', 'fastify']) {
    describe(name, () => {
      const port = () => servers.find((s) => s.name === name)?.port ?? 0;

      it('curl --negotiate: 200, and curl takes our mutual token', async () => {
        const r = await curl(port());
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `hello alice@${realm.realm} deleg=-\n`);
        assert.match(r.stderr, /Authorization: Negotiate /);
        assert.match(r.stderr, /< HTTP\/1\.1 200/);
        assert.match(r.stderr, /< WWW-Authenticate: Negotiate oY/i, 'a NegTokenResp came back');
      });

      it('curl --delegation always: the delegated TGT is usable at the KDC', async () => {
        const r = await curl(port(), ['--delegation', 'always']);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `hello alice@${realm.realm} deleg=used by alice@${realm.realm}\n`);
      });

      it('curl without a ticket: 401 Negotiate', async () => {
        const n = failures.length;
        const r = await curl(port(), ['-o', '/dev/null', '-w', '%{http_code}'], {
          ...realm.env,
          KRB5CCNAME: `FILE:${realm.dir}/empty.ccache`,
        });
        assert.equal(r.stdout, '401');
        assert.match(r.stderr, /< WWW-Authenticate: Negotiate/i);
        assert.equal(failures.length, n, 'no token sent: nothing to log');
      });
    });
  }
});
