/**
 * The figures of docs/security.md's server policy for `gss server` (issue 17), against a
 * throwaway MIT realm with MIT gss-client as the load:
 *   1. contexts/s of `--workers 2` under load (MIT gss-client runs, 16 at a time), 5 rounds;
 *   2. the listener's CPU for a maximal (16 MiB) frame read after authentication, 5 rounds;
 *   3. the listener's RSS with 100 stalled clients, each holding 60 KiB of an unfinished
 *      context token (under the 64 KiB limit), against the same server idle.
 *
 *   node --import tsx bench/server-faults.ts
 */

import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  encodeFrame,
  TOKEN_CONTEXT,
  TOKEN_CONTEXT_NEXT,
  TOKEN_DATA,
  TOKEN_NOOP,
} from '../src/sample/protocol.js';
import { startSampleServer } from '../src/sample/server.js';
import { startRealm } from '../test/harness/realm.js';
import { holdConnection, runClients, tally } from '../test/interop/sample-load.js';
import { WORKER_SPEC, waitFor } from '../test/interop/sample-realm.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;

const realm = await startRealm();
process.env = { ...realm.env };
let served = 0;
const server = await startSampleServer({
  service: 'gsstest@localhost',
  keytab: realm.keytabs.gsstest,
  log: () => {},
  stdout: () => {},
  onConnection: () => served++,
  workers: 2,
  worker: WORKER_SPEC,
});
try {
  const rates: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = served;
    const t0 = performance.now();
    const runs = await runClients(realm, server.port, 80, 16);
    const seconds = (performance.now() - t0) / 1000;
    const t = tally(runs);
    if (t.ok !== runs.length) throw new Error(`a client failed: ${JSON.stringify(t)}`);
    await waitFor(() => served - before >= 96, 10_000, 'connection events');
    rates.push((served - before) / seconds);
  }
  console.log(
    `contexts/s under load (80 MIT gss-client runs, 16 at a time, 96 contexts): median ${median(rates).toFixed(1)}, range ${spread(rates)}`,
  );

  const cpu: number[] = [];
  for (let round = 0; round < 5; round++) {
    const solo = await startSampleServer({
      service: 'gsstest@localhost',
      keytab: realm.keytabs.gsstest,
      log: () => {},
      stdout: () => {},
    });
    const { stream } = await holdConnection(solo.port);
    const frame = encodeFrame(TOKEN_DATA, new Uint8Array(16 * 1024 * 1024).fill(0x41));
    const c0 = process.cpuUsage();
    stream.socket.write(frame);
    await stream.recv(); // the server's NOOP answer: the whole frame was read and handled
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    stream.send(TOKEN_NOOP);
    stream.close();
    await solo.close();
  }
  console.log(
    `CPU s for one 16 MiB message frame (sender and listener in this process): median ${median(cpu).toFixed(2)}, range ${spread(cpu)}`,
  );

  const solo = await startSampleServer({
    service: 'gsstest@localhost',
    keytab: realm.keytabs.gsstest,
    log: () => {},
    stdout: () => {},
  });
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const stalled: Socket[] = [];
  const part = new Uint8Array([
    ...encodeFrame(TOKEN_NOOP | TOKEN_CONTEXT_NEXT, new Uint8Array(0)),
    ...encodeFrame(TOKEN_CONTEXT, new Uint8Array(65536)).subarray(0, 5 + 60 * 1024),
  ]);
  for (let i = 0; i < 100; i++) {
    const s = connect(solo.port, '127.0.0.1');
    s.on('error', () => {});
    await once(s, 'connect');
    s.write(part);
    stalled.push(s);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const rss1 = process.memoryUsage().rss;
  console.log(
    `RSS with 100 stalled clients holding 60 KiB each: +${((rss1 - rss0) / 2 ** 20).toFixed(1)} MiB (this process holds both ends)`,
  );
  for (const s of stalled) s.destroy();
  await solo.close();
} finally {
  await server.close();
  await realm.stop();
}
