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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type SsoPage, startSsoPage } from '../harness/sso-page.js';

const FIREFOX = '/usr/bin/firefox-esr';

function skip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!existsSync(FIREFOX) && !process.env.CI) return 'firefox-esr is not installed';
  return false;
}

describe('Firefox ESR against our Express middleware', { skip: skip() }, () => {
  let realm: Realm;
  let page: SsoPage;
  let port: number;
  let home: string;
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    home = mkdtempSync(join(tmpdir(), 'gssapi-ts-firefox-'));
    page = await startSsoPage(realm.keytabs.http);
    port = page.port;
  });
  after(async () => {
    await page?.close();
    restoreEnv?.();
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
    assert.equal(r.status, 200, JSON.stringify(page.failures));
    assert.equal(r.who, `alice@${realm.realm}`);
    assert.equal(r.deleg, 'none');
  });

  it('with delegation allowed for the host, the server gets the TGT', async () => {
    const r = await load({ 'network.negotiate-auth.delegation-uris': 'localhost' });
    assert.equal(r.status, 200, JSON.stringify(page.failures));
    assert.equal(r.deleg, `alice@${realm.realm}`);
  });
});
