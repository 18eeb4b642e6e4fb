/**
 * The import-direction check (scripts/check-layers.mjs, docs/architecture.md): the real tree
 * passes, and a tree with each kind of violation fails naming the file, line and layers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';

function check(root: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['scripts/check-layers.mjs', root], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('layer check', () => {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    const p = join(root, 'src', rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };

  it('passes on the project itself', () => {
    const r = check('.');
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /every import goes downward/);
  });

  it('fails on upward imports, unknown folders and npm packages, with file and line', () => {
    write('util/bytes.ts', 'export const x = 1;\n');
    write('gssapi/names/names.ts', "import { x } from '../../util/bytes.js';\nexport const n = x;\n");
    // errors is the ground: it may import nothing of the project.
    write(
      'errors/status.ts',
      "// header\nimport { n } from '../gssapi/names/names.js';\nexport const s = n;\n",
    );
    // a mechanism must not reach up into the handle.
    write('gssapi/context/context.ts', 'export const c = 1;\n');
    write('gssapi/mech/krb5/init.ts', "export { c } from '../../context/context.js';\n");
    write('gssapi/mech/krb5/lazy.ts', "export const l = () => import('../../context/context.js');\n");
    write('newthing/x.ts', 'export const y = 2;\n');
    write(
      'krb5/dep.ts',
      "import 'left-pad';\nimport { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
    );
    const r = check(root);
    assert.equal(r.status, 1, r.out);
    assert.match(
      r.out,
      /src\/errors\/status\.ts:2: errors imports '\.\.\/gssapi\/names\/names\.js' from the higher layer gssapi\/names/,
    );
    assert.match(
      r.out,
      /src\/gssapi\/mech\/krb5\/init\.ts:1: gssapi\/mech imports .* from the higher layer gssapi\/context/,
    );
    assert.match(r.out, /src\/gssapi\/mech\/krb5\/lazy\.ts:1: gssapi\/mech imports .* gssapi\/context/);
    assert.match(r.out, /src\/newthing\/x\.ts: not in any layer/);
    assert.match(r.out, /src\/krb5\/dep\.ts:1: imports the npm package 'left-pad'/);
    assert.doesNotMatch(r.out, /names\.ts/);
    assert.match(r.out, /5 import\(s\) against the layer order/);
  });

  it('lets the gss command load its optional peer (redis) lazily, and nothing else', () => {
    const peers = mkdtempSync(join(tmpdir(), 'layers-peers-'));
    try {
      const put = (rel: string, text: string) => {
        const p = join(peers, 'src', rel);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, text);
      };
      put('cli/lazy.ts', "export const load = () => import('redis');\n");
      put('cli/eager.ts', "import { createClient } from 'redis';\nexport { createClient };\n");
      put('krb5/lazy.ts', "export const load = () => import('redis');\n");
      put('cli/other.ts', "export const load = () => import('ioredis');\n");
      const r = check(peers);
      assert.equal(r.status, 1, r.out);
      assert.doesNotMatch(r.out, /cli\/lazy\.ts/);
      assert.match(r.out, /src\/cli\/eager\.ts:1: imports the npm package 'redis'/);
      assert.match(r.out, /src\/krb5\/lazy\.ts:1: imports the npm package 'redis'/);
      assert.match(r.out, /src\/cli\/other\.ts:1: imports the npm package 'ioredis'/);
      assert.match(r.out, /3 import\(s\) against the layer order/);
    } finally {
      rmSync(peers, { recursive: true, force: true });
    }
  });
});
