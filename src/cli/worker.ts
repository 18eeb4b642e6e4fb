import { runWorker } from '../sample/worker.js';
import { defineCommand } from './command.js';

/** Hidden `gss worker`: a `gss server --workers N` child; it talks only over its IPC channel. */
export const worker = defineCommand(
  {
    name: 'worker',
    summary: 'a worker process of gss server --workers N (started by it, not by hand)',
    operands: '',
    minOperands: 0,
    maxOperands: 0,
    description: `Started by gss server --workers N: receives the sealing key, then exported contexts with
their sockets, over its IPC channel only.`,
    usageStatus: 2,
    options: {},
    hidden: true,
  },
  async () => {
    if (!process.send) {
      process.stderr.write('gss worker: started by `gss server --workers N`, not by hand\n');
      return 2;
    }
    return runWorker();
  },
);
