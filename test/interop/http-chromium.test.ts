/**
 * A real Chromium: Debian's `chromium`, headed on an Xvfb display of its own (and headless),
 * driven by puppeteer-core over CDP, no browser download. It loads a page from our Express
 * middleware with a ticket from MIT kinit and sees the authenticated principal; with
 * --auth-negotiate-delegate-allowlist for the host, the server receives Chromium's delegated TGT.
 * Chromium sends Negotiate to a host only when --auth-server-allowlist names it, and only once
 * that setting has reached its network service, a moment after start (docs/http.md "Browsers").
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import puppeteer from 'puppeteer-core';
import { type NegotiatedRequest, type NegotiateFailure, negotiate } from '../../src/http/index.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { CHROMIUM, startXvfb, XVFB, type Xvfb } from '../harness/xvfb.js';

function skip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!(existsSync(CHROMIUM) && existsSync(XVFB)) && !process.env.CI)
    return 'chromium and xvfb are not installed';
  return false;
}

describe('Chromium (headed, on Xvfb) against our Express middleware', { skip: skip() }, () => {
  let realm: Realm;
  let server: Server;
  let port: number;
  let home: string;
  let xvfb: Xvfb;
  const failures: NegotiateFailure[] = [];
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    home = mkdtempSync(join(tmpdir(), 'gssapi-ts-chromium-'));
    xvfb = await startXvfb();
    const app = express();
    app.use(negotiate({ keytab: `FILE:${realm.keytabs.http}`, onError: (f) => failures.push(f) }));
    app.get('/', (req, res) => {
      const id = (req as unknown as NegotiatedRequest<object>).negotiate;
      const deleg = id.delegatedCredentials ? String(id.delegatedCredentials.name) : 'none';
      res
        .type('html')
        .send(`<html><body><p id="who">${id.principal}</p><p id="deleg">${deleg}</p></body></html>`);
    });
    server = createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((r) => {
      server?.close(r);
      server?.closeAllConnections();
    });
    await xvfb?.stop();
    restoreEnv?.();
    await realm?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function load(
    localState: object,
    headless = false,
  ): Promise<{ status?: number; who: string; deleg: string; early: number }> {
    // A fresh profile; browser-wide preferences live in its "Local State" file.
    const profile = join(home, `profile-${Date.now()}`);
    mkdirSync(profile);
    writeFileSync(join(profile, 'Local State'), JSON.stringify(localState));
    const browser = await puppeteer.launch({
      browser: 'chrome',
      executablePath: CHROMIUM,
      headless,
      // Root in CI has no user namespace sandbox to drop into.
      args: [
        '--no-sandbox',
        '--no-first-run',
        '--disable-gpu',
        `--user-data-dir=${profile}`,
        '--auth-server-allowlist=localhost',
      ],
      // Chromium dlopens MIT's libgssapi_krb5, which reads the realm's krb5.conf and alice's ccache.
      env: { ...realm.env, HOME: home, ...(headless ? {} : { DISPLAY: xvfb.display }) },
    });
    try {
      const page = await browser.newPage();
      // Chromium hands the auth settings (--auth-server-allowlist) to its network service a
      // moment after start; a challenge answered before then fails with
      // ERR_UNSUPPORTED_AUTH_SCHEME before GSSAPI is loaded (what ../shared/peers.md saw), and
      // the page is a plain 401. So the page is loaded again until Chromium authenticates.
      const deadline = Date.now() + 30_000;
      let res = await page.goto(`http://localhost:${port}/`);
      let early = 0;
      while (res?.status() === 401 && Date.now() < deadline) {
        early++;
        await new Promise((r) => setTimeout(r, 250));
        res = await page.goto(`http://localhost:${port}/`);
      }
      const text = async (id: string) => page.$eval(`#${id}`, (e) => e.textContent ?? '').catch(() => '');
      return { status: res?.status(), who: await text('who'), deleg: await text('deleg'), early };
    } finally {
      await browser.close();
    }
  }

  it('loads the page and sees the authenticated principal', async (t) => {
    const r = await load({});
    t.diagnostic(`401s before Chromium's auth settings were in force: ${r.early}`);
    assert.equal(r.status, 200, JSON.stringify(failures));
    assert.equal(r.who, `alice@${realm.realm}`);
    assert.equal(r.deleg, 'none');
    // The early 401s were Chromium sending no Authorization at all: nothing was refused.
    assert.deepEqual(failures, []);
  });

  it('headless too, once its auth settings are in force (new headless mode)', async (t) => {
    const r = await load({}, true);
    t.diagnostic(`401s before Chromium's auth settings were in force: ${r.early}`);
    assert.equal(r.status, 200, JSON.stringify(failures));
    assert.equal(r.who, `alice@${realm.realm}`);
  });

  it('with the host in the delegation allowlist, the server gets the TGT', async () => {
    // AuthNegotiateDelegateAllowlist is a policy and a Local State preference only: Chromium 156
    // has no command-line switch for it any more (its binary knows only --auth-server-allowlist).
    const r = await load({ auth: { negotiate_delegate_whitelist: 'localhost' } });
    assert.equal(r.status, 200, JSON.stringify(failures));
    assert.equal(r.deleg, `alice@${realm.realm}`);
  });
});
