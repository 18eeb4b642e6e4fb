/**
 * A real browser: Firefox ESR (Debian's firefox-esr, headless, driven by puppeteer-core over
 * WebDriver BiDi, no browser download) loads a page served by our Express middleware with a
 * ticket from MIT kinit, and sees the authenticated principal; with delegation allowed for the
 * host, the server receives Firefox's delegated TGT. Firefox sends Negotiate only to hosts in
 * network.negotiate-auth.trusted-uris, and to a dotless host such as localhost only with
 * network.negotiate-auth.allow-non-fqdn (which then waives trusted-uris for it; docs/http.md).
 * Chromium is the other judge (http-chromium.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import puppeteer from 'puppeteer-core';
import { type NegotiatedRequest, type NegotiateFailure, negotiate } from '../../src/http/index.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';

const FIREFOX = '/usr/bin/firefox-esr';
const ENV_KEYS = ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_KTNAME', 'KRB5_KDC_PROFILE', 'KRB5RCACHEDIR'] as const;

function skip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!existsSync(FIREFOX) && !process.env.CI) return 'firefox-esr is not installed';
  return false;
}

describe('Firefox ESR against our Express middleware', { skip: skip() }, () => {
  let realm: Realm;
  let server: Server;
  let port: number;
  let home: string;
  const failures: NegotiateFailure[] = [];
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    realm = await startRealm();
    for (const k of ENV_KEYS) {
      saved[k] = process.env[k];
      process.env[k] = realm.env[k];
    }
    home = mkdtempSync(join(tmpdir(), 'gssapi-ts-firefox-'));
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
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await realm?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function load(
    prefs: Record<string, string | boolean>,
  ): Promise<{ status?: number; who: string; deleg: string }> {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      // Firefox's GSSAPI (libgssapi_krb5) reads the realm's krb5.conf and alice's ccache.
      env: { ...realm.env, HOME: home },
      extraPrefsFirefox: {
        'network.negotiate-auth.trusted-uris': 'localhost',
        'network.negotiate-auth.allow-non-fqdn': true,
        ...prefs,
      },
    });
    try {
      const page = await browser.newPage();
      const res = await page.goto(`http://localhost:${port}/`);
      const text = async (id: string) => page.$eval(`#${id}`, (e) => e.textContent ?? '').catch(() => '');
      return { status: res?.status(), who: await text('who'), deleg: await text('deleg') };
    } finally {
      await browser.close();
    }
  }

  it('loads the page and sees the authenticated principal', async () => {
    const r = await load({});
    assert.equal(r.status, 200, JSON.stringify(failures));
    assert.equal(r.who, `alice@${realm.realm}`);
    assert.equal(r.deleg, 'none');
  });

  it('with delegation allowed for the host, the server gets the TGT', async () => {
    const r = await load({ 'network.negotiate-auth.delegation-uris': 'localhost' });
    assert.equal(r.status, 200, JSON.stringify(failures));
    assert.equal(r.deleg, `alice@${realm.realm}`);
  });
});
