/**
 * The API reference check (`npm run docs:check`, typedoc.json, docs/api.md) really fails on an
 * undocumented export: a temporary copy of the project, with the real configuration and entry
 * points, gains one export without a doc comment and one documented interface with an
 * undocumented member, and the check must fail naming exactly those two.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const TYPEDOC = resolve('node_modules/typedoc/bin/typedoc');

/** typedoc.json is JSON with whole-line // comments. */
function typedocConfig(): { entryPoints: string[] } {
  const text = readFileSync('typedoc.json', 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text);
}

describe('API reference check', () => {
  it('covers exactly the entry points package.json#exports publishes', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    const published = Object.entries(pkg.exports as Record<string, { import?: { types?: string } }>)
      .filter(([subpath]) => subpath !== './package.json')
      .map(([subpath, e]) => {
        const types = e.import?.types ?? '';
        assert.ok(types.startsWith('./dist/esm/'), `${subpath} has no ESM types`);
        return types.replace(/^\.\/dist\/esm\//, 'src/').replace(/\.d\.ts$/, '.ts');
      });
    assert.deepEqual([...typedocConfig().entryPoints].sort(), published.sort());
  });

  const root = mkdtempSync(join(tmpdir(), 'api-docs-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('fails on an undocumented export and an undocumented member, naming them', () => {
    cpSync('src', join(root, 'src'), { recursive: true });
    for (const f of ['typedoc.json', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
      cpSync(f, join(root, f));
    }
    mkdirSync(join(root, 'docs'));
    cpSync('docs/api.md', join(root, 'docs/api.md'));
    symlinkSync(resolve('node_modules'), join(root, 'node_modules'), 'dir');
    writeFileSync(
      join(root, 'src/extra.ts'),
      [
        'export const undocumentedConstant = 1;',
        '/** A documented interface. */',
        'export interface DocumentedShape {',
        '  undocumentedMember: number;',
        '}',
        '',
      ].join('\n'),
    );
    appendFileSync(join(root, 'src/index.ts'), "export * from './extra.js';\n");

    const r = spawnSync(process.execPath, [TYPEDOC, '--emit', 'none'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const out = r.stdout + r.stderr;
    assert.notEqual(r.status, 0, out);
    assert.match(out, /index\.undocumentedConstant \(Variable\).*does not have any documentation/);
    assert.match(
      out,
      /index\.DocumentedShape\.undocumentedMember \(Property\).*does not have any documentation/,
    );
    // Nothing else: the rest of the real API is documented, so these two are the whole failure.
    assert.match(out, /Found 0 errors and 2 warnings/);
  });
});
