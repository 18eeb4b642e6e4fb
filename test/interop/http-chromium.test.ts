/**
 * A real Chromium: Debian's `chromium`, headed on an Xvfb display of its own (and headless),
 * driven by puppeteer-core over CDP, no browser download. It loads a page from our Express
 * middleware with a ticket from MIT kinit and sees the authenticated principal; with the host in
 * its delegation allowlist (a Local State preference), the server receives Chromium's delegated
 * TGT.
 * Chromium sends Negotiate to a host only when --auth-server-allowlist names it, and only once
 * that setting has reached its network service, a moment after start (docs/http.md "Browsers").
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';
import { adoptRealmEnv } from '../harness/realm-env.js';
import { type SsoPage, startSsoPage } from '../harness/sso-page.js';
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
  let page: SsoPage;
  let port: number;
  let home: string;
  let xvfb: Xvfb;
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    realm = await startRealm();
    restoreEnv = adoptRealmEnv(realm.env);
    home = mkdtempSync(join(tmpdir(), 'gssapi-ts-chromium-'));
    xvfb = await startXvfb();
    page = await startSsoPage(realm.keytabs.http);
    port = page.port;
  });
  after(async () => {
    await page?.close();
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
    assert.equal(r.status, 200, JSON.stringify(page.failures));
    assert.equal(r.who, `alice@${realm.realm}`);
    assert.equal(r.deleg, 'none');
    // The early 401s were Chromium sending no Authorization at all: nothing was refused.
    assert.deepEqual(page.failures, []);
  });

  it('headless too, once its auth settings are in force (new headless mode)', async (t) => {
    const r = await load({}, true);
    t.diagnostic(`401s before Chromium's auth settings were in force: ${r.early}`);
    assert.equal(r.status, 200, JSON.stringify(page.failures));
    assert.equal(r.who, `alice@${realm.realm}`);
  });

  it('with the host in the delegation allowlist, the server gets the TGT', async () => {
    // AuthNegotiateDelegateAllowlist is a policy and a Local State preference only: Chromium 156
    // has no command-line switch for it any more (its binary knows only --auth-server-allowlist).
    const r = await load({ auth: { negotiate_delegate_whitelist: 'localhost' } });
    assert.equal(r.status, 200, JSON.stringify(page.failures));
    assert.equal(r.deleg, `alice@${realm.realm}`);
  });
});
