/**
 * The published shape: `gssapi-ts` resolves through package.json#exports for both require() (the
 * CommonJS clients such as pg and kafkajs) and import, with the same public names, and the `gss`
 * bin runs. Uses the build (`npm test` builds first; built here if missing or older than src/index.ts).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { before, describe, it } from 'node:test';

const NAMES = [
  'SecurityContext',
  'Credentials',
  'Name',
  'GssError',
  'importSecContext',
  'exportSecContext',
  'releaseBuffer',
  'displayStatus',
  'startKdc',
  'GSS_S_NO_CONTEXT',
];

/** npm kerberos 7's exports (lib/index.js module.exports). */
const KERBEROS_NAMES = [
  'initializeClient',
  'initializeServer',
  'principalDetails',
  'checkPassword',
  'KerberosClient',
  'KerberosServer',
  'GSS_C_DELEG_FLAG',
  'GSS_C_MUTUAL_FLAG',
  'GSS_C_REPLAY_FLAG',
  'GSS_C_SEQUENCE_FLAG',
  'GSS_C_CONF_FLAG',
  'GSS_C_INTEG_FLAG',
  'GSS_C_ANON_FLAG',
  'GSS_C_PROT_READY_FLAG',
  'GSS_C_TRANS_FLAG',
  'GSS_C_NO_OID',
  'GSS_MECH_OID_KRB5',
  'GSS_MECH_OID_SPNEGO',
  'version',
  'definedNapiVersion',
];

function nodeEval(args: string[]): string {
  return execFileSync(process.execPath, args, { encoding: 'utf8', cwd: process.cwd() });
}

describe('package shape', () => {
  before(() => {
    const stale = (f: string) => !existsSync(f) || statSync(f).mtimeMs < statSync('src/index.ts').mtimeMs;
    if (stale('dist/cjs/index.js') || stale('dist/esm/index.js') || stale('dist/cjs/kerberos/index.js')) {
      execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    }
  });

  it('require("gssapi-ts") gives the CommonJS build with the public API', () => {
    const out = nodeEval([
      '-e',
      `const g = require('gssapi-ts'); console.log(JSON.stringify(${JSON.stringify(NAMES)}.map((n) => typeof g[n])), require.resolve('gssapi-ts'))`,
    ]);
    const [types, resolved] = out.trim().split(' ');
    assert.ok(!JSON.parse(types).includes('undefined'), out);
    assert.match(resolved, /dist\/cjs\/index\.js$/);
  });

  it('import "gssapi-ts" gives the ES module build with the same names', () => {
    const out = nodeEval([
      '--input-type=module',
      '-e',
      `const g = await import('gssapi-ts'); console.log(JSON.stringify(${JSON.stringify(NAMES)}.map((n) => typeof g[n])))`,
    ]);
    assert.ok(!JSON.parse(out).includes('undefined'), out);
  });

  it('a GssError from the CommonJS build carries RFC 2744 numbers', () => {
    const out = nodeEval([
      '-e',
      `const { GssError, GSS_S_NO_CONTEXT } = require('gssapi-ts'); const e = new GssError(GSS_S_NO_CONTEXT); console.log(e.major, e.code, e instanceof Error)`,
    ]);
    assert.equal(out.trim(), '524288 GSS_S_NO_CONTEXT true');
  });

  it("gssapi-ts/kerberos resolves for require() and import, with npm kerberos 7's names", () => {
    const names = JSON.stringify(KERBEROS_NAMES);
    const cjs = nodeEval([
      '-e',
      `const k = require('gssapi-ts/kerberos'); console.log(JSON.stringify(${names}.map((n) => typeof k[n])), require.resolve('gssapi-ts/kerberos'), k.definedNapiVersion())`,
    ]);
    const [types, resolved, napi] = cjs.trim().split(' ');
    assert.ok(!JSON.parse(types).includes('undefined'), cjs);
    assert.match(resolved, /dist\/cjs\/kerberos\/index\.js$/);
    assert.equal(napi, '9');
    const esm = nodeEval([
      '--input-type=module',
      '-e',
      `const k = await import('gssapi-ts/kerberos'); const g = await import('gssapi-ts'); console.log(JSON.stringify(${names}.map((n) => typeof k[n] !== 'undefined' && k[n] === g[n])))`,
    ]);
    assert.ok(!JSON.parse(esm).includes(false), esm);
  });

  it('ships type declarations and a gss bin that runs', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    assert.ok(existsSync(pkg.exports['.'].import.types));
    assert.ok(existsSync(pkg.exports['.'].require.types));
    const r = spawnSync(process.execPath, [pkg.bin.gss, 'help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /usage: gss <command>/);
  });

  /** The integration subpaths and a name each must export, in both module systems. */
  const SUBPATHS: Record<string, string[]> = {
    'gssapi-ts/sasl': ['SaslGssapiClient', 'SaslGssapiServer', 'SaslSecurityLayer'],
    'gssapi-ts/pg': ['gssStream', 'PgGssStream'],
    'gssapi-ts/mysql2': ['gssapiAuthPlugin'],
  };
  for (const [sub, names] of Object.entries(SUBPATHS)) {
    it(`${sub} resolves for require() and import with its names`, () => {
      const cjs = nodeEval([
        '-e',
        `const m = require('${sub}'); console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n])))`,
      ]);
      assert.deepEqual(
        JSON.parse(cjs),
        names.map(() => 'function'),
        cjs,
      );
      const esm = nodeEval([
        '--input-type=module',
        '-e',
        `const m = await import('${sub}'); console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => typeof m[n])))`,
      ]);
      assert.deepEqual(
        JSON.parse(esm),
        names.map(() => 'function'),
        esm,
      );
    });
  }
});
