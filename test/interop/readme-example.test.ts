/**
 * The README's API example, run as written (from the built package, resolved by its name) against
 * the live MIT realm, so the README stays true.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';

describe('README API example', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
    const stale = (f: string) => !existsSync(f) || statSync(f).mtimeMs < statSync('src/index.ts').mtimeMs;
    if (stale('dist/esm/index.js'))
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  });
  after(async () => {
    await realm?.stop();
  });

  it('runs and round-trips a message through an exported and imported context', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /```ts\n(import \{[^\n]*\} from 'gssapi-ts';[\s\S]*?)```/.exec(readme);
    assert.ok(block, 'the README has a ts example importing gssapi-ts');
    const script = `${block[1]}
if (new TextDecoder().decode(message) !== 'hello' || confidential !== true || supplementary !== 0) {
  throw new Error('unexpected unwrap result');
}
try { server.wrap(new Uint8Array(1)); throw new Error('exported handle still usable'); }
catch (e) { if (e.code !== 'GSS_S_NO_CONTEXT') throw e; }
console.log('README example OK');
`;
    // Inside the package directory, so that 'gssapi-ts' resolves to this package (self-reference).
    const file = 'dist/readme-example.mjs';
    writeFileSync(file, script);
    const out = execFileSync(process.execPath, [file], {
      env: { ...realm.env, KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}` },
      encoding: 'utf8',
    });
    assert.match(out, /README example OK/);
  });
});
