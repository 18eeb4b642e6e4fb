/**
 * MIT gss-server writes 'Accepted connection: "..."' to stdout, which -inetd closes; to see it,
 * MIT's server runs here in its listening mode inside a private network namespace (`unshare -n`,
 * where binding every interface binds only that namespace's loopback), with MIT's client beside
 * it using a service ticket cached beforehand (the KDC is outside). Its stdout and log are then
 * compared with our server's log for the same client options.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type ConnectionEvent, type SampleServer, startSampleServer } from '../../src/sample/server.js';
import { startMitGssServer } from '../harness/gss-server.js';
import { interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import { waitFor } from './sample-realm.js';

function netnsUsable(): boolean {
  try {
    execFileSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('gss server log against MIT gss-server stdout and log', { skip: interopSkip() }, () => {
  let realm: Realm;
  let server: SampleServer;
  const log: string[] = [];
  const events: ConnectionEvent[] = [];
  const savedEnv = { ...process.env };
  before(async () => {
    realm = await startRealm();
    process.env = { ...realm.env };
    realm.run(MIT_BIN.kvno, ['gsstest/localhost']);
    server = await startSampleServer({
      service: 'gsstest@localhost',
      keytab: realm.keytabs.gsstest,
      log: (l) => log.push(l),
      onConnection: (e) => events.push(e),
    });
  });
  after(async () => {
    await server?.close();
    process.env = savedEnv;
    await realm?.stop();
  });

  for (const args of [[], ['-nomutual', '-seq'], ['-noreplay', '-mcount', '3'], ['-nm', '-nx'], ['-na']]) {
    it(`gss-client ${args.join(' ') || '(no options)'}`, async (t) => {
      if (!netnsUsable()) {
        t.skip('no network namespace (unshare -n) on this machine');
        return;
      }
      const msg = 'compare me';
      const client = [MIT_BIN.gssClient, '-port', '4444', ...args, 'localhost', 'gsstest@localhost', msg];
      const script = [
        'ip link set lo up',
        `${MIT_BIN.gssServer} -once -port 4444 -keytab ${shellQuote(realm.keytabs.gsstest)} gsstest@localhost &`,
        'srv=$!',
        // gss-server needs a moment to listen; the client retries its connect a few times.
        `for i in 1 2 3 4 5 6 7 8 9 10; do ${client.map(shellQuote).join(' ')} >/dev/null && break; sleep 0.1; done`,
        'wait $srv',
      ].join('\n');
      const mitOut = execFileSync('unshare', ['-n', 'sh', '-c', script], {
        env: realm.env,
        encoding: 'utf8',
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      log.length = 0;
      events.length = 0;
      const r = await realm.exec(MIT_BIN.gssClient, [
        '-port',
        String(server.port),
        ...args,
        'localhost',
        'gsstest@localhost',
        msg,
      ]);
      assert.equal(r.code, 0, r.stderr);
      await waitFor(() => events.length === 1);
      // MIT's stdout and log are one stream here (logfile = stdout without -logfile). Its
      // listening mode also dumps the client name's attributes (the PAC's buffers) and
      // gss_localname ("localname: alice"); ours has neither, so those lines are set aside.
      const all = mitOut.split('\n').slice(0, -1);
      const extra = (l: string) =>
        /^(Attribute urn:mspac:\S* Authenticated Complete|localname: alice|[0-9a-f]*)$/.test(l);
      const mitLines = all.filter((l) => !extra(l));
      assert.ok(mitLines.length > 0, 'MIT gss-server printed nothing');
      if (!args.includes('-na')) {
        assert.ok(mitLines.includes('Accepted connection: "alice@TEST.GSS"'), mitOut);
        assert.ok(all.includes('localname: alice'));
      }
      assert.deepEqual([...log], mitLines);
    });
  }
});

/** Hex dump lines (print_token) collapsed to one marker: the tokens differ run to run. */
function shape(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const n = /^([0-9a-f]{2} )+$/.test(l)
      ? 'HEX'
      : l
          .replace(/\(size=\d+\)/, '(size=N)')
          .replace(/\d+ bytes, +[\d.]+ seconds/, 'N bytes, T seconds')
          .replace(/context: +[\d.]+ seconds/, 'context: T seconds');
    if (n === 'HEX' && out[out.length - 1] === 'HEX') continue;
    out.push(n);
  }
  return out;
}

describe('gss server --verbose against MIT gss-server -verbose', { skip: interopSkip() }, () => {
  let realm: Realm;
  const savedEnv = { ...process.env };
  before(async () => {
    realm = await startRealm();
    process.env = { ...realm.env };
  });
  after(async () => {
    process.env = savedEnv;
    await realm?.stop();
  });

  for (const exportTest of [false, true]) {
    it(`logs MIT's verbose lines${exportTest ? ' with -export' : ''}`, async () => {
      const mit = await startMitGssServer(realm, { args: ['-verbose', ...(exportTest ? ['-export'] : [])] });
      const log: string[] = [];
      const events: ConnectionEvent[] = [];
      const ours = await startSampleServer({
        service: 'gsstest@localhost',
        keytab: realm.keytabs.gsstest,
        verbose: true,
        exportTest,
        log: (l) => log.push(l),
        stdout: () => {},
        onConnection: (e) => events.push(e),
      });
      try {
        for (const args of [[], ['-nomutual', '-seq'], ['-mcount', '2', '-nm'], ['-na']]) {
          const mark = mit.log().length;
          log.length = 0;
          events.length = 0;
          for (const port of [mit.port, ours.port]) {
            const r = await realm.exec(MIT_BIN.gssClient, [
              '-port',
              String(port),
              ...args,
              'localhost',
              'gsstest@localhost',
              // Two bytes at least: MIT decides text-or-hex from msg[0] and msg[1], and reads past
              // a one-byte message (heap garbage), so its log for 'v' is not deterministic.
              'vv',
            ]);
            assert.equal(r.code, 0, r.stderr);
          }
          await mit.idle();
          await waitFor(() => events.length === 1);
          const mitLines = mit.log().slice(mark).split('\n').slice(0, -1);
          assert.ok(
            mitLines.some((l) =>
              l.startsWith(args.includes('-na') ? 'Message token' : 'Received token (size='),
            ),
          );
          assert.deepEqual(shape(log), shape(mitLines), args.join(' '));
        }
      } finally {
        await ours.close();
        await mit.stop();
      }
    });
  }
});
