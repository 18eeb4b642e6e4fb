import { runWorker } from '../sample/worker.js';

/** Hidden `gss worker`: a `gss server --workers N` child; it talks only over its IPC channel. */
export async function worker(_argv: string[]): Promise<number> {
  if (!process.send) {
    process.stderr.write('gss worker: started by `gss server --workers N`, not by hand\n');
    return 2;
  }
  return runWorker();
}
