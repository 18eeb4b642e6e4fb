/** Entry point equivalent to bin/gss.js, for running from source (`node --import tsx src/cli/gss.ts`). */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gss: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
