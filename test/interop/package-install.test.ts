/**
 * The package as users get it (docs/package.md): `npm pack`, then `npm install` of the tarball
 * into an empty project, offline (`--offline --no-audit --no-fund` and an empty npm cache: the
 * package has no dependencies, so nothing may be fetched). There, far from this repository, the
 * ES module and CommonJS builds of both entry points load with the same names, a TypeScript
 * consumer type-checks against the shipped declarations, `npx gss help` runs, and the README's
 * API example runs against a live MIT realm. The tarball's file list is asserted: builds,
 * declarations, bin, README and docs; no tests, fixtures, sources, source maps or scripts.
 */
import assert from 'node:assert/strict';
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { README_EXAMPLE_OK, readmeExampleScript } from '../harness/readme-example.js';
import { interopSkip, type Realm, startRealm } from '../harness/realm.js';

const REPO = resolve('.');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

interface PackedFile {
  path: string;
  size: number;
}
interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: PackedFile[];
}

/** The environment of a user's shell: none of the npm_* settings `npm test` hands its children. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const KiB = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

describe('the package as users get it', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gssapi-pack-'));
  const app = join(tmp, 'app');
  const cache = join(tmp, 'npm-cache');
  // Offline for every npm call, with a cache that starts empty.
  const npmEnv = userEnv({
    npm_config_offline: 'true',
    npm_config_cache: cache,
    npm_config_update_notifier: 'false',
  });
  let pack: PackResult;
  let pkg: {
    exports: Record<string, Record<string, Record<string, string>>>;
    bin: Record<string, string>;
    scripts?: Record<string, string>;
  };

  before(() => {
    const stale = (f: string) => !existsSync(f) || statSync(f).mtimeMs < statSync('src/index.ts').mtimeMs;
    if (stale('dist/esm/index.js') || stale('dist/cjs/index.js')) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    }
    const out = ok(run('npm', ['pack', '--json', '--pack-destination', tmp], REPO, npmEnv), 'npm pack');
    pack = (JSON.parse(out) as PackResult[])[0];
    mkdirSync(app);
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`,
    );
    ok(
      run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(tmp, pack.filename)], app, npmEnv),
      'npm install of the tarball',
    );
    pkg = JSON.parse(readFileSync(join(app, 'node_modules/gssapi-ts/package.json'), 'utf8'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('carries the builds, declarations, bin, README and docs, and nothing else', (t) => {
    const paths = pack.files.map((f) => f.path);
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICENSE(\.md)?$/,
      /^bin\/gss\.js$/,
      /^docs\/[a-z0-9-]+\.md$/,
      /^dist\/(esm|cjs)\/([a-z0-9-]+\/)*[a-z0-9-]+\.(js|d\.ts)$/,
      /^dist\/cjs\/package\.json$/,
    ];
    const stray = paths.filter((p) => !allowed.some((re) => re.test(p)));
    assert.deepEqual(stray, [], 'files that have no place in the package');
    assert.ok(!paths.some((p) => /(^|\/)(test|fixtures|scripts|src|bench)\//.test(p)));
    assert.ok(!paths.some((p) => p.endsWith('.map') || p.endsWith('.tsbuildinfo')));
    // Every module in both builds, each with its declarations.
    const modules = (b: string) =>
      paths
        .filter((p) => p.startsWith(`dist/${b}/`) && p.endsWith('.js'))
        .map((p) => p.slice(`dist/${b}/`.length))
        .sort();
    assert.deepEqual(modules('cjs'), modules('esm'));
    for (const p of paths.filter((q) => q.startsWith('dist/') && q.endsWith('.js'))) {
      assert.ok(paths.includes(p.replace(/\.js$/, '.d.ts')), `${p} has no .d.ts`);
    }
    // Every target package.json names is in the tarball.
    const targets = Object.values(pkg.exports)
      .flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e).flatMap((c) => Object.values(c))))
      .concat(Object.values(pkg.bin));
    for (const target of targets) assert.ok(paths.includes(target.replace(/^\.\//, '')), target);
    assert.ok(paths.includes('README.md') && paths.includes('docs/api.md'));
    // No install-time scripts: installing runs nothing of ours.
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert.equal(pkg.scripts?.[s], undefined, `a ${s} script`);
    }
    const size = `tarball ${pack.filename}: ${KiB(pack.size)} packed, ${KiB(pack.unpackedSize)} unpacked, ${pack.entryCount} files`;
    t.diagnostic(size);
    console.log(size);
  });

  it('installs offline into an empty project, bringing nothing but itself', () => {
    const installed = readdirSync(join(app, 'node_modules')).filter((e) => !e.startsWith('.'));
    assert.deepEqual(installed, ['gssapi-ts']);
    assert.ok(existsSync(join(app, 'node_modules/.bin/gss')));
  });

  it('imports gssapi-ts, gssapi-ts/rfc2744 and gssapi-ts/kerberos as ES modules and requires them as CommonJS, same names', () => {
    writeFileSync(
      join(app, 'esm.mjs'),
      `import * as g from 'gssapi-ts';
import * as f from 'gssapi-ts/rfc2744';
import * as k from 'gssapi-ts/kerberos';
const minor = { value: 1 }, ctx = { value: 0 }, text = { length: 0, value: new Uint8Array(0) };
f.gss_display_status(minor, g.GSS_S_NO_CONTEXT, f.GSS_C_GSS_CODE, null, ctx, text);
console.log(JSON.stringify({
  main: Object.keys(g).sort(), rfc2744: Object.keys(f).sort(), kerberos: Object.keys(k).sort(),
  resolved: [import.meta.resolve('gssapi-ts'), import.meta.resolve('gssapi-ts/rfc2744'), import.meta.resolve('gssapi-ts/kerberos')],
  display: new TextDecoder().decode(text.value),
}));
`,
    );
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const g = require('gssapi-ts');
const f = require('gssapi-ts/rfc2744');
const k = require('gssapi-ts/kerberos');
const e = new g.GssError(g.GSS_S_NO_CONTEXT);
console.log(JSON.stringify({
  main: Object.keys(g).sort(), rfc2744: Object.keys(f).sort(), kerberos: Object.keys(k).sort(),
  resolved: [require.resolve('gssapi-ts'), require.resolve('gssapi-ts/rfc2744'), require.resolve('gssapi-ts/kerberos')],
  error: [e.major, e.code, e instanceof Error],
}));
`,
    );
    const esm = JSON.parse(ok(run(process.execPath, ['esm.mjs'], app, userEnv()), 'esm.mjs'));
    const cjs = JSON.parse(ok(run(process.execPath, ['cjs.cjs'], app, userEnv()), 'cjs.cjs'));
    const base = join(app, 'node_modules/gssapi-ts/dist');
    assert.deepEqual(
      esm.resolved.map((u: string) => new URL(u).pathname),
      [`${base}/esm/index.js`, `${base}/esm/gssapi/rfc2744/index.js`, `${base}/esm/kerberos/index.js`],
    );
    assert.deepEqual(cjs.resolved, [
      `${base}/cjs/index.js`,
      `${base}/cjs/gssapi/rfc2744/index.js`,
      `${base}/cjs/kerberos/index.js`,
    ]);
    assert.deepEqual(cjs.main, esm.main);
    assert.deepEqual(cjs.rfc2744, esm.rfc2744);
    assert.deepEqual(cjs.kerberos, esm.kerberos);
    for (const n of ['initializeClient', 'initializeServer', 'principalDetails', 'checkPassword']) {
      assert.ok(esm.kerberos.includes(n), n);
    }
    for (const n of ['SecurityContext', 'Credentials', 'Name', 'GssError', 'importSecContext', 'startKdc']) {
      assert.ok(esm.main.includes(n), n);
    }
    for (const n of [
      'gss_init_sec_context',
      'gss_accept_sec_context',
      'gss_export_sec_context',
      'gss_wrap',
    ]) {
      assert.ok(esm.rfc2744.includes(n), n);
    }
    assert.equal(esm.display, 'No context has been established');
    assert.deepEqual(cjs.error, [524288, 'GSS_S_NO_CONTEXT', true]);
  });

  it('type-checks a TypeScript consumer against the shipped declarations, ESM and CommonJS', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules/@types')],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    const body = (g: string, f: string) => `
const target: ${g}.Name = ${g}.Name.hostbased('gsstest@localhost');
export const ctx: ${g}.SecurityContext = ${g}.SecurityContext.initiate({ target, mutual: true });
const handle: ${f}.Box<${f}.GssCtxId> = { value: ${f}.GSS_C_NO_CONTEXT };
const token: ${f}.GssBufferDesc = { length: 0, value: new Uint8Array(0) };
export const major: number = ${f}.gss_export_sec_context({ value: 0 }, handle, token);
export const code: string = new ${g}.GssError(${g}.GSS_S_NO_CONTEXT).code;
export function open(c: ${g}.SecurityContext, t: Uint8Array): ${g}.UnwrapResult {
  return c.unwrap(t);
}
// @ts-expect-error wrap takes bytes: proves the declarations are real types, not any.
ctx.wrap('text');
`;
    writeFileSync(
      join(app, 'consumer.mts'),
      `import * as g from 'gssapi-ts';\nimport * as f from 'gssapi-ts/rfc2744';\n${body('g', 'f')}`,
    );
    writeFileSync(
      join(app, 'consumer.cts'),
      `import g = require('gssapi-ts');\nimport f = require('gssapi-ts/rfc2744');\n${body('g', 'f')}`,
    );
    ok(run(process.execPath, [TSC, '-p', 'tsconfig.json'], app, userEnv()), 'tsc on the consumer');
  });

  it('runs `npx gss help` from the installed bin', () => {
    const out = ok(run('npx', ['--offline', 'gss', 'help'], app, npmEnv), 'npx gss help');
    assert.match(out, /usage: gss <command>/);
  });

  describe("the README's API example, against a live MIT realm", { skip: interopSkip() }, () => {
    let realm: Realm;
    before(async () => {
      realm = await startRealm();
    });
    after(async () => {
      await realm?.stop();
    });

    it('runs as written and round-trips a message through an exported and imported context', () => {
      writeFileSync(join(app, 'readme-example.mjs'), readmeExampleScript(join(REPO, 'README.md')));
      const out = ok(
        run(process.execPath, ['readme-example.mjs'], app, {
          ...userEnv(realm.env),
          KRB5_KTNAME: `FILE:${realm.keytabs.gsstest}`,
        }),
        'the README example',
      );
      assert.match(out, new RegExp(README_EXAMPLE_OK));
    });
  });
});
