#!/usr/bin/env node
// `npm start`: build, then run the demo (`gss demo`).
import { spawnSync } from 'node:child_process';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const demo = spawnSync(process.execPath, ['bin/gss.js', 'demo'], { stdio: 'inherit' });
process.exit(demo.status ?? 1);
