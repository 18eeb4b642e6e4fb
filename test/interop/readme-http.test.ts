/**
 * The README's HTTP examples, run as written (from the built package, resolved by its name)
 * against the live MIT realm: the Express single sign-on app (its keytab path and port swapped
 * for the realm's) judged by curl --negotiate, and the negotiateFetch client (its URL swapped)
 * calling that app.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { freePort, waitForPort } from '../harness/net.js';
import { interopSkip, type Realm, startRealm, track } from '../harness/realm.js';

function block(readme: string, marker: string): string {
  const m = new RegExp(`\`\`\`ts\\n((?:(?!\`\`\`)[\\s\\S])*?${marker}(?:(?!\`\`\`)[\\s\\S])*?)\`\`\``).exec(
    readme,
  );
  assert.ok(m, `the README has a ts example with ${marker}`);
  return m[1];
}

describe('README HTTP examples', { skip: interopSkip() }, () => {
  let realm: Realm;
  let app: ChildProcess | undefined;
  let port: number;
  before(async () => {
    realm = await startRealm();
    if (!existsSync('dist/esm/http/index.js'))
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    const readme = readFileSync('README.md', 'utf8');
    port = await freePort();
    const server = block(readme, 'app.use\\(negotiate')
      .replace("'FILE:/etc/krb5/http.keytab'", JSON.stringify(`FILE:${realm.keytabs.http}`))
      .replace('app.listen(8080)', `app.listen(${port}, '127.0.0.1')`);
    assert.match(server, new RegExp(`listen\\(${port}`));
    writeFileSync('dist/readme-express.mjs', server);
    app = track(spawn(process.execPath, ['dist/readme-express.mjs'], { env: realm.env, stdio: 'ignore' }));
    await waitForPort(port, 10_000, () => app?.exitCode !== null);
    const client = block(readme, 'negotiateFetch\\(').replace(
      "'http://intranet.example.com/report'",
      JSON.stringify(`http://localhost:${port}/`),
    );
    writeFileSync('dist/readme-fetch.mjs', client);
  });
  after(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((r) => app?.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    await realm?.stop();
  });

  it('curl --negotiate gets the Express example page', async () => {
    const r = await realm.exec('/usr/bin/curl', [
      '-sS',
      '--negotiate',
      '-u',
      ':',
      `http://localhost:${port}/`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `hello alice@${realm.realm}`);
  });

  it('the negotiateFetch example calls it', async () => {
    const r = await realm.exec(process.execPath, ['dist/readme-fetch.mjs']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `200 hello alice@${realm.realm}\n`);
  });
});
