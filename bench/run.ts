/**
 * `npm run bench`: the crypto benchmark (bench/crypto.ts) then the GSS-API one (bench/gss.ts),
 * each in its own process; arguments are passed to both (e.g. --seconds, --rounds, --no-mit).
 * Without arguments bench/gss.ts runs in its --quick mode (issue 16's target cells, aes256-sha1);
 * the whole table is `node --import tsx bench/gss.ts --runs 3 --markdown` (docs/performance.md).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let failed = false;
for (const file of ['crypto.ts', 'gss.ts']) {
  const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
  const own = file === 'gss.ts' && args.length === 0 ? ['--quick'] : args;
  console.log(`\n== bench/${file} ${own.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path, ...own], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
if (failed) process.exitCode = 1;
