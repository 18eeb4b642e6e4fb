/**
 * The `gss server` and `gss client` commands as real processes (run from source with tsx):
 * MIT gss-client against `gss server` (plain, --delegated-ccache, --workers 2 with the default
 * worker spec, --logfile), and `gss client` against MIT gss-server, output compared with MIT
 * gss-client's.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMitGssServer } from '../harness/gss-server.js';
import { freePort } from '../harness/net.js';
import { interopSkip, MIT_BIN, type Realm, startRealm, track } from '../harness/realm.js';
import { GSS_ENTRY, waitFor } from './sample-realm.js';

interface CliServer {
  readonly child: ChildProcess;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
}

async function startCliServer(realm: Realm, args: string[]): Promise<CliServer> {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', GSS_ENTRY, 'server', '--port', String(port), ...args], {
      env: realm.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  try {
    // Generous: on a loaded machine tsx's start alone takes seconds.
    await waitFor(
      () => err.includes('starting...') || child.exitCode !== null,
      60_000,
      'gss server to start',
    );
    assert.match(err, new RegExp(`starting\\.\\.\\. \\(127\\.0\\.0\\.1:${port}`), err);
  } catch (e) {
    // A server that did not start in time must not outlive the test: its pipes would keep this
    // test file (and the whole run) from ever exiting.
    child.kill('SIGKILL');
    throw e;
  }
  return {
    child,
    port,
    stdout: () => out,
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const [code] = await exited;
      clearTimeout(kill);
      return code as number | null;
    },
  };
}

function mitClient(realm: Realm, port: number, args: string[], msg = 'hi from MIT') {
  return realm.exec(MIT_BIN.gssClient, [
    '-port',
    String(port),
    ...args,
    'localhost',
    'gsstest@localhost',
    msg,
  ]);
}

describe('gss server and gss client commands', { skip: interopSkip() }, () => {
  let realm: Realm;
  before(async () => {
    realm = await startRealm();
  });
  after(async () => {
    await realm?.stop();
  });

  it('gss server serves MIT gss-client, stores delegated credentials, stops on SIGTERM', async () => {
    const deleg = `FILE:${join(realm.dir, 'cli-deleg.ccache')}`;
    const srv = await startCliServer(realm, [
      '--keytab',
      realm.keytabs.gsstest,
      '--delegated-ccache',
      deleg,
      'gsstest@localhost',
    ]);
    try {
      const a = await mitClient(realm, srv.port, []);
      assert.equal(a.code, 0, a.stderr);
      assert.match(a.stdout, /Signature verified\./);
      const b = await mitClient(realm, srv.port, ['-d', '-seq', '-mcount', '2']);
      assert.equal(b.code, 0, b.stderr);
      await waitFor(() => srv.stdout().split('NOOP token').length === 3, 10_000, 'two NOOP lines');
      assert.equal(
        srv.stdout(),
        [
          'context flag: GSS_C_MUTUAL_FLAG',
          'context flag: GSS_C_REPLAY_FLAG',
          'context flag: GSS_C_CONF_FLAG ',
          'context flag: GSS_C_INTEG_FLAG ',
          'Accepted connection: "alice@TEST.GSS"',
          'Received message: "hi from MIT"',
          'NOOP token',
          'context flag: GSS_C_DELEG_FLAG',
          'context flag: GSS_C_MUTUAL_FLAG',
          'context flag: GSS_C_REPLAY_FLAG',
          'context flag: GSS_C_SEQUENCE_FLAG',
          'context flag: GSS_C_CONF_FLAG ',
          'context flag: GSS_C_INTEG_FLAG ',
          'Accepted connection: "alice@TEST.GSS"',
          'Received message: "hi from MIT"',
          'Received message: "hi from MIT"',
          'NOOP token',
          '',
        ].join('\n'),
      );
      const kvno = realm.run(MIT_BIN.kvno, ['-c', deleg, 'HTTP/localhost']);
      assert.match(kvno, /HTTP\/localhost@TEST\.GSS: kvno = \d+/);
    } finally {
      assert.equal(await srv.stop(), 0, srv.stderr());
    }
  });

  it('gss server --workers 2 --logfile hands connections to two worker processes', async () => {
    const logfile = join(realm.dir, 'cli-server.log');
    const srv = await startCliServer(realm, [
      '--keytab',
      realm.keytabs.gsstest,
      '--workers',
      '2',
      '--logfile',
      logfile,
      'gsstest@localhost',
    ]);
    try {
      const pids = /workers (\d+) (\d+)\)/.exec(srv.stderr());
      assert.ok(pids, srv.stderr());
      for (const args of [[], ['-nomutual'], ['-ccount', '2', '-mcount', '3']]) {
        const r = await mitClient(realm, srv.port, args);
        assert.equal(r.code, 0, r.stderr);
      }
      const read = () => {
        try {
          return readFileSync(logfile, 'utf8');
        } catch {
          return '';
        }
      };
      await waitFor(() => read().split('NOOP token').length === 5, 10_000, 'four NOOP lines');
      const log = read();
      // With --logfile the 'Accepted' lines go to stdout, as MIT prints them.
      assert.equal(srv.stdout(), 'Accepted connection: "alice@TEST.GSS"\n'.repeat(4));
      assert.ok(!log.includes('Accepted connection'));
      for (const pid of [pids[1], pids[2]]) {
        assert.match(log, new RegExp(`\\[worker ${pid}\\] imported context of "alice@TEST\\.GSS"`));
        assert.match(log, new RegExp(`\\[worker ${pid}\\] Received message: "hi from MIT"`));
      }
      assert.equal(log.split('Received message: "hi from MIT"').length - 1, 1 + 1 + 6);
    } finally {
      assert.equal(await srv.stop(), 0, srv.stderr());
    }
  });

  it('gss server --once exits after one connection', async () => {
    const srv = await startCliServer(realm, [
      '--keytab',
      realm.keytabs.gsstest,
      '--once',
      '--export',
      'gsstest@localhost',
    ]);
    const r = await mitClient(realm, srv.port, ['-mcount', '2']);
    assert.equal(r.code, 0, r.stderr);
    const [code] = await once(srv.child, 'exit');
    assert.equal(code, 0);
    assert.match(
      srv.stdout(),
      /Received message: "hi from MIT"\nReceived message: "hi from MIT"\nNOOP token\n$/,
    );
  });

  it('gss client prints what MIT gss-client prints against MIT gss-server', async () => {
    const mit = await startMitGssServer(realm);
    try {
      for (const args of [
        [],
        ['-nomutual', '-d'],
        ['-seq', '-noreplay', '-ccount', '2', '-mcount', '2'],
        ['-nm'],
        ['-na'],
      ]) {
        const ours = await realm.exec(process.execPath, [
          '--import',
          'tsx',
          GSS_ENTRY,
          'client',
          '-port',
          String(mit.port),
          ...args,
          'localhost',
          'gsstest@localhost',
          'hi from gss',
        ]);
        assert.equal(ours.code, 0, ours.stderr);
        const theirs = await realm.exec(MIT_BIN.gssClient, [
          '-port',
          String(mit.port),
          ...args,
          'localhost',
          'gsstest@localhost',
          'hi from gss',
        ]);
        assert.equal(theirs.code, 0, theirs.stderr);
        const norm = (s: string) =>
          s
            .split('\n')
            .filter((l) => !/^(Name type of source name is|Mechanism \{|\s+\d+: \{)/.test(l))
            .map((l) => l.replace(/lifetime \d+/, 'lifetime N').replace(/\(size=\d+\)/, '(size=N)'))
            .join('\n');
        assert.equal(norm(ours.stdout), norm(theirs.stdout), args.join(' '));
        assert.equal(ours.stderr, '');
      }
      await mit.idle();
      assert.equal(mit.log().split('Received message: "hi from gss"').length - 1, 2 * (1 + 1 + 4 + 1 + 1));
    } finally {
      await mit.stop();
    }
  });

  it('gss client reports an initiation failure with MIT display_status lines and exit code 1', async () => {
    const mit = await startMitGssServer(realm);
    try {
      const args = ['-port', String(mit.port), 'localhost', 'nosuch@localhost', 'x'];
      const ours = await realm.exec(process.execPath, ['--import', 'tsx', GSS_ENTRY, 'client', ...args]);
      const theirs = await realm.exec(MIT_BIN.gssClient, args);
      assert.equal(ours.code, 1);
      assert.equal(theirs.code, 1);
      const [o, t] = [ours.stdout.split('\n'), theirs.stdout.split('\n')];
      assert.equal(o.length, t.length);
      assert.equal(
        o[0],
        'GSS-API error initializing context: Unspecified GSS failure.  Minor code may provide more information',
      );
      assert.equal(o[0], t[0]);
      // MIT's minor line is its extended message, naming the principal; ours is the code's text.
      assert.equal(o[1], 'GSS-API error initializing context: Server not found in Kerberos database');
      assert.equal(
        t[1],
        'GSS-API error initializing context: Server nosuch/localhost@TEST.GSS not found in Kerberos database',
      );
    } finally {
      await mit.stop();
    }
  });

  it('gss client exits non-zero with a usage message for bad options', async () => {
    const r = await realm.exec(process.execPath, [
      '--import',
      'tsx',
      GSS_ENTRY,
      'client',
      '--ccount',
      '0',
      'h',
      's@h',
      'm',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--ccount must be at least 1/);
    const s = await realm.exec(process.execPath, [
      '--import',
      'tsx',
      GSS_ENTRY,
      'server',
      '--port',
      'x',
      's@h',
    ]);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /whole number/);
  });
});
