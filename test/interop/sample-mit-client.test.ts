/**
 * MIT gss-client against our `gss server` (startSampleServer in this process): every AES enctype
 * (forced through a single-enctype service key and krb5.conf) times MIT's client options, with
 * the server serving in-process (its log compared line by line with MIT gss-server's for the
 * same client run), with `--workers 2` (sealed export, socket hand-off, import in the worker),
 * and with `--export` (MIT's -export: three export/import rounds in-process).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ConnectionEvent, type SampleServer, startSampleServer } from '../../src/sample/server.js';
import { startMitGssServer } from '../harness/gss-server.js';
import { AES_ENCTYPES, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import {
  CLIENT_CASES,
  type ClientCase,
  type EnctypeSetup,
  expectedMitLog,
  setupEnctypes,
  ticketEnctypes,
  WORKER_SPEC,
  waitFor,
} from './sample-realm.js';

type Mode = 'in-process' | 'workers' | 'export';
const MESSAGE = 'hello from MIT';

describe('MIT gss-client against gss server', { skip: interopSkip() }, () => {
  let realm: Realm;
  let setups: EnctypeSetup[];
  const savedEnv = { ...process.env };
  before(async () => {
    realm = await startRealm();
    setups = setupEnctypes(realm);
  });
  after(async () => {
    process.env = savedEnv;
    await realm?.stop();
  });

  for (const mode of ['in-process', 'workers', 'export'] as const) {
    for (let e = 0; e < 4; e++) {
      describe(`${mode}, ${AES_ENCTYPES[e]}`, () => {
        let setup: EnctypeSetup;
        let server: SampleServer;
        const log: string[] = [];
        const out: string[] = [];
        const events: ConnectionEvent[] = [];
        before(async () => {
          setup = setups[e];
          // Our acceptor reads permitted_enctypes from KRB5_CONFIG, as MIT's does.
          process.env = { ...setup.env };
          server = await startSampleServer({
            service: setup.service,
            keytab: setup.keytab,
            log: (l) => log.push(l),
            stdout: (l) => out.push(l),
            onConnection: (ev) => events.push(ev),
            delegatedCcache: `FILE:${join(realm.dir, `deleg-${mode}-${e}.ccache`)}`,
            ...(mode === 'workers' ? { workers: 2, worker: WORKER_SPEC } : {}),
            ...(mode === 'export' ? { exportTest: true } : {}),
          });
        });
        after(async () => {
          await server?.close();
        });

        for (const c of CLIENT_CASES) {
          it(`${c.name}`, async () => {
            log.length = 0;
            out.length = 0;
            events.length = 0;
            const r = await realm.exec(
              MIT_BIN.gssClient,
              ['-port', String(server.port), ...c.args, 'localhost', setup.service, MESSAGE],
              { env: setup.env },
            );
            assert.equal(r.code, 0, `gss-client: ${r.stdout}\n${r.stderr}\nserver log:\n${log.join('\n')}`);
            await waitFor(() => events.length === c.ccount, 10_000, `${c.ccount} connection events`);
            const replies = r.stdout
              .split('\n')
              .filter((l) => /^(Signature verified|Response received)\.$/.test(l));
            assert.deepEqual(
              replies,
              Array(c.ccount * c.mcount).fill(c.mic ? 'Signature verified.' : 'Response received.'),
            );
            if (c.auth) assert.equal(ticketEnctypes(realm, setup), `${setup.enctype} ${setup.enctype}`);
            for (const ev of events) checkEvent(mode, c, ev);
            if (mode === 'workers' && c.auth) {
              // Both workers take turns; the replies prove the worker served them.
              const pids = new Set(events.map((ev) => ev.workerPid));
              assert.equal(pids.size, c.ccount > 1 ? 2 : 1);
              for (const pid of pids) assert.ok(server.workerPids.includes(pid ?? -1), `pid ${pid}`);
              assert.ok(log.some((l) => l.startsWith('[worker ') && l.includes('imported context')));
            }
            if (c.delegate) await checkDelegation(realm, setup, events[0], mode, e);
            await checkLog(mode, c, log);
            assert.deepEqual(out, Array(c.ccount).fill(acceptedLine(c)));
          });
        }

        if (mode === 'in-process') {
          it('logs what MIT gss-server logs for the same client runs', async () => {
            const mit = await startMitGssServer(realm, {
              service: setup.service,
              keytab: setup.keytab,
              env: setup.env,
            });
            try {
              for (const c of CLIENT_CASES) {
                log.length = 0;
                out.length = 0;
                events.length = 0;
                const before = mit.log().split('\n').length - 1;
                for (const port of [mit.port, server.port]) {
                  const r = await realm.exec(
                    MIT_BIN.gssClient,
                    ['-port', String(port), ...c.args, 'localhost', setup.service, MESSAGE],
                    { env: setup.env },
                  );
                  assert.equal(r.code, 0, r.stderr);
                }
                await mit.idle();
                await waitFor(() => events.length === c.ccount);
                const mitLines = mit.log().split('\n').slice(before, -1);
                // MIT prints the 'Accepted' line to stdout, which -inetd closes: ours is apart.
                assert.deepEqual(log, mitLines, c.name);
                assert.deepEqual(out, Array(c.ccount).fill(acceptedLine(c)));
                assert.deepEqual(mitLines, Array(c.ccount).fill(expectedMitLog(c, MESSAGE)).flat(), c.name);
              }
            } finally {
              await mit.stop();
            }
          });
        }
      });
    }
  }

  /** Two workers: connections alternate between them, each importing a sealed context. */
  it('spreads connections over both workers', async () => {
    const setup = setups[0];
    process.env = { ...setup.env };
    const events: ConnectionEvent[] = [];
    const server = await startSampleServer({
      service: setup.service,
      keytab: setup.keytab,
      log: () => {},
      onConnection: (ev) => events.push(ev),
      workers: 2,
      worker: WORKER_SPEC,
    });
    try {
      for (let i = 0; i < 4; i++) {
        const r = await realm.exec(
          MIT_BIN.gssClient,
          ['-port', String(server.port), 'localhost', setup.service, `m${i}`],
          {
            env: setup.env,
          },
        );
        assert.equal(r.code, 0, r.stderr);
        await waitFor(() => events.length === i + 1);
      }
      assert.deepEqual(
        events.map((ev) => ev.workerPid),
        [server.workerPids[0], server.workerPids[1], server.workerPids[0], server.workerPids[1]],
      );
      assert.deepEqual(
        events.map((ev) => ev.report?.messages),
        [['"m0"'], ['"m1"'], ['"m2"'], ['"m3"']],
      );
    } finally {
      await server.close();
    }
  });
});

function checkEvent(mode: Mode, c: ClientCase, ev: ConnectionEvent): void {
  assert.equal(ev.error, undefined, `connection error: ${ev.error}`);
  assert.deepEqual(ev.report?.messages, Array(c.mcount).fill(`"${MESSAGE}"`));
  assert.equal(ev.report?.encrypted, c.wrap && c.encrypt ? c.mcount : 0);
  assert.equal(ev.report?.mics, c.mic ? c.mcount : 0);
  if (!c.auth) {
    assert.equal(ev.client, undefined);
    assert.equal(ev.workerPid, undefined);
    return;
  }
  assert.equal(ev.client, 'alice@TEST.GSS');
  if (mode === 'workers') {
    assert.ok(ev.workerPid && ev.workerPid !== process.pid);
    assert.ok((ev.exportedBytes ?? 0) > 0);
    assert.equal(ev.exporterAfterExport, 'GSS_S_NO_CONTEXT');
  } else {
    assert.equal(ev.workerPid, undefined);
  }
}

/** What gss-server prints to stdout (not its log) for a connection. */
function acceptedLine(c: ClientCase): string {
  return c.auth ? 'Accepted connection: "alice@TEST.GSS"' : 'Accepted unauthenticated connection.';
}

async function checkLog(mode: Mode, c: ClientCase, log: string[]): Promise<void> {
  await waitFor(() => log.filter((l) => l.endsWith('NOOP token')).length === c.ccount, 5_000, 'NOOP lines');
  // A worker's lines come back over IPC and are prefixed with its pid.
  const lines = log
    .map((l) => l.replace(/^\[worker \d+\] /, ''))
    .filter((l) => !l.startsWith('imported context'));
  const want = Array(c.ccount).fill(expectedMitLog(c, MESSAGE)).flat();
  if (mode === 'workers' && c.ccount > 1) {
    // Two workers log concurrently with the listener: compare as multisets.
    assert.deepEqual([...lines].sort(), [...want].sort());
  } else {
    assert.deepEqual(lines, want);
  }
}

async function checkDelegation(
  realm: Realm,
  setup: EnctypeSetup,
  ev: ConnectionEvent | undefined,
  mode: Mode,
  e: number,
) {
  const ccache = `FILE:${join(realm.dir, `deleg-${mode}-${e}.ccache`)}`;
  assert.equal(ev?.delegatedStored, ccache);
  // The delegated TGT gets a ticket for another service, with MIT's kvno.
  const out = realm.run(MIT_BIN.kvno, ['-c', ccache, 'host/localhost'], { env: setup.env });
  assert.match(out, /host\/localhost@TEST\.GSS: kvno = \d+/);
  const list = realm.run(MIT_BIN.klist, ['-c', ccache], { env: setup.env });
  assert.match(list, /Default principal: alice@TEST\.GSS/);
  assert.match(list, /krbtgt\/TEST\.GSS@TEST\.GSS/);
}
