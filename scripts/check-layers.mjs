#!/usr/bin/env node
// The import-direction check (docs/architecture.md): every file under src/ imports only from its
// own layer or the layers below it, and the core imports no npm package. Run by `npm test`.
// Usage: node scripts/check-layers.mjs [ROOT]   (ROOT defaults to the current directory)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The layers, lowest first. A file belongs to the first entry whose folder (or file) contains
 * it; it may import from its own entry and from every entry before it. Inside src/gssapi the
 * rooms have an order of their own, so a mechanism never reaches up into the handle or a facade.
 */
export const LAYERS = [
  ['errors', 'status codes, GssError, minor tables, displayStatus: imports nothing of the project'],
  ['util', 'bytes, Reader, clock, file stamps'],
  ['crypto', 'enctypes and checksums over node:crypto'],
  ['asn1', 'the DER codec'],
  ['krb5', 'RFC 4120: messages, files, configuration, replay caches, KDC client and KDC'],
  ['gssapi/flags.ts', 'GSS_C_* flags'],
  ['gssapi/bindings.ts', 'channel bindings'],
  ['gssapi/token', 'RFC 2743 token framing and OIDs'],
  ['gssapi/names', 'GSS names'],
  ['gssapi/mech', 'the mechanisms, one folder each'],
  ['gssapi/creds', 'the Credentials handle'],
  ['gssapi/export', 'the interprocess token format'],
  ['gssapi/context', 'the SecurityContext handle, export and import'],
  ['gssapi/rfc2744', 'the C-shaped facade'],
  ['kerberos', "npm `kerberos` 7's API (gssapi-ts/kerberos)"],
  ['fleet', 'several hosts: the sealed context store on Redis'],
  ['http', 'HTTP Negotiate (RFC 4559): the server core, node/Express/Fastify adapters, negotiateFetch'],
  ['sample', "MIT gss-sample's protocol, server and client"],
  ['sasl', 'SASL GSSAPI (RFC 4752): client and server engines, security layer'],
  ['pg', 'node-postgres: GSS encryption and authentication through its stream option'],
  ['mysql2', "mysql2: MariaDB's auth_gssapi_client plugin"],
  ['cli', 'the gss command'],
  ['index.ts', 'the package entry point'],
];

/** npm packages the core may import (none: integrations bring their own as peer dependencies). */
const ALLOWED_PACKAGES = new Set([]);
/**
 * Optional peer dependencies a layer may load, by dynamic import() only, so that nothing loads
 * them unless asked (the gss command's Redis replay cache, src/cli/rcache.ts).
 */
const OPTIONAL_PEERS = new Map([['cli', new Set(['redis'])]]);

function layerOf(rel) {
  const p = rel.split(sep).join('/');
  for (let i = 0; i < LAYERS.length; i++) {
    const l = LAYERS[i][0];
    if (p === l || p.startsWith(`${l}/`)) return i;
  }
  return -1;
}

function walk(dir, out) {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const SPECIFIERS = [
  /(?:^|\n)[ \t]*(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/g,
  /(?:^|\n)[ \t]*import\s*['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every violation in ROOT/src as 'file:line: message' strings. */
export function checkLayers(root) {
  const src = resolve(root, 'src');
  const problems = [];
  for (const file of walk(src, [])) {
    const rel = relative(src, file);
    const from = layerOf(rel);
    if (from < 0) {
      problems.push(`src/${rel}: not in any layer of scripts/check-layers.mjs (add its folder to LAYERS)`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    for (const [kind, re] of SPECIFIERS.entries()) {
      for (const m of text.matchAll(re)) {
        const spec = m[1];
        const line = text.slice(0, m.index + m[0].length).split('\n').length;
        const where = `src/${rel}:${line}`;
        if (spec.startsWith('node:')) continue;
        if (!spec.startsWith('.')) {
          const dynamic = kind === SPECIFIERS.length - 1;
          if (dynamic && OPTIONAL_PEERS.get(LAYERS[from][0])?.has(spec)) continue;
          if (!ALLOWED_PACKAGES.has(spec))
            problems.push(`${where}: imports the npm package '${spec}' (the core is dependency-free)`);
          continue;
        }
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        const trel = relative(src, target);
        if (trel.startsWith('..') || !existsSync(target)) {
          problems.push(`${where}: '${spec}' is outside src/ or missing`);
          continue;
        }
        const to = layerOf(trel);
        if (to > from) {
          problems.push(
            `${where}: ${LAYERS[from][0]} imports '${spec}' from the higher layer ${LAYERS[to][0]}`,
          );
        }
      }
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const problems = checkLayers(process.argv[2] ?? '.');
  for (const p of problems) console.error(p);
  if (problems.length) {
    console.error(
      `check-layers: ${problems.length} import(s) against the layer order (docs/architecture.md)`,
    );
    process.exit(1);
  }
  console.log('check-layers: every import goes downward');
}
