/**
 * Runs `main` (src/cli/main.ts) on each command line given as JSON in argv[2], in this one
 * process, and prints what each wrote and returned as JSON: a test spawns this once instead of
 * a process per command line.
 */
import { main } from '../../../src/cli/main.js';

interface Run {
  argv: string[];
  status: number;
  stdout: string;
  stderr: string;
}

const lines = JSON.parse(process.argv[2]) as string[][];
const runs: Run[] = [];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
for (const argv of lines) {
  const run: Run = { argv, status: -1, stdout: '', stderr: '' };
  process.stdout.write = (chunk: string | Uint8Array) => {
    run.stdout += String(chunk);
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    run.stderr += String(chunk);
    return true;
  };
  try {
    run.status = await main(argv);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  runs.push(run);
}
process.stdout.write(JSON.stringify(runs));
