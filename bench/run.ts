/**
 * `npm run bench`: the crypto benchmark (bench/crypto.ts) then the GSS-API one (bench/gss.ts),
 * each in its own process; arguments are passed to both (e.g. --seconds, --rounds, --no-mit).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let failed = false;
for (const file of ['crypto.ts', 'gss.ts']) {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  console.log(`\n== bench/${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path, ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
if (failed) process.exitCode = 1;
