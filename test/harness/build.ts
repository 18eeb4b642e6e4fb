/** Tests that load the published build (dist/) build it when it is missing or stale. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time under a folder. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

/** Runs scripts/build.mjs when `file` (under dist/) is missing or older than anything in src/. */
export function ensureBuild(file: string): void {
  if (!existsSync(file) || statSync(file).mtimeMs < newest('src')) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  }
}
