/**
 * Our `gss client` (callServer in this process) against MIT gss-server (-inetd behind a loopback
 * acceptor), plain and with MIT's -export (three export/import rounds per connection), for every
 * AES enctype and gss-client option; the verbose output is compared with MIT gss-client's for the
 * same options against the same server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  GSS_C_CONF_FLAG,
  GSS_C_DELEG_FLAG,
  GSS_C_INTEG_FLAG,
  GSS_C_MUTUAL_FLAG,
  GSS_C_REPLAY_FLAG,
  GSS_C_SEQUENCE_FLAG,
} from '../../src/gssapi/flags.js';
import { callServer } from '../../src/sample/client.js';
import { type MitGssServer, startMitGssServer } from '../harness/gss-server.js';
import { AES_ENCTYPES, interopSkip, MIT_BIN, type Realm, startRealm } from '../harness/realm.js';
import {
  CLIENT_CASES,
  type ClientCase,
  type EnctypeSetup,
  expectedMitLog,
  setupEnctypes,
  ticketEnctypes,
} from './sample-realm.js';

const MESSAGE = 'hello from gssapi-ts';

/**
 * MIT gss-client's stdout without the lines that list OIDs, with the lifetime (a second may
 * pass) and the AP-REQ size normalized: the size moves by a byte or two from run to run on both
 * sides, as the DER lengths of the random sequence number and the microseconds vary.
 */
function comparable(lines: readonly string[]): string[] {
  return lines
    .filter((l) => !/^(Name type of source name is|Mechanism \{|\s+\d+: \{)/.test(l))
    .map((l) => l.replace(/lifetime \d+/, 'lifetime N').replace(/\(size=\d+\)/, '(size=N)'));
}

function tokenSizes(lines: readonly string[]): number[] {
  return lines.flatMap((l) => {
    const m = /\(size=(\d+)\)/.exec(l);
    return m ? [Number(m[1])] : [];
  });
}

async function runOurs(port: number, setup: EnctypeSetup, c: ClientCase, verbose: string[]) {
  const results = [];
  for (let i = 0; i < c.ccount; i++) {
    results.push(
      await callServer({
        host: 'localhost',
        port,
        service: setup.service,
        message: MESSAGE,
        mutual: c.mutual,
        replay: c.replay,
        sequence: c.sequence,
        delegate: c.delegate,
        auth: c.auth,
        wrap: c.wrap,
        encrypt: c.encrypt,
        mic: c.mic,
        mcount: c.mcount,
        verbose: true,
        log: (l) => verbose.push(l),
      }),
    );
  }
  return results;
}

describe('gss client against MIT gss-server', { skip: interopSkip() }, () => {
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

  for (const exportArgs of [[], ['-export']]) {
    for (let e = 0; e < 4; e++) {
      describe(`MIT gss-server ${exportArgs.join(' ')}, ${AES_ENCTYPES[e]}`, () => {
        let setup: EnctypeSetup;
        let mit: MitGssServer;
        before(async () => {
          setup = setups[e];
          process.env = { ...setup.env };
          mit = await startMitGssServer(realm, {
            service: setup.service,
            keytab: setup.keytab,
            env: setup.env,
            args: exportArgs,
          });
        });
        after(async () => {
          await mit?.stop();
        });

        for (const c of CLIENT_CASES) {
          it(c.name, async () => {
            const before = mit.log().split('\n').length - 1;
            const verbose: string[] = [];
            const results = await runOurs(mit.port, setup, c, verbose);
            await mit.idle();
            const mitLines = mit.log().split('\n').slice(before, -1);
            assert.deepEqual(mitLines, Array(c.ccount).fill(expectedMitLog(c, MESSAGE)).flat());
            for (const r of results) {
              assert.equal(r.micsVerified, c.mic ? c.mcount : 0);
              if (!c.auth) {
                assert.equal(r.flags, 0);
                continue;
              }
              assert.equal(r.initiator, 'alice@TEST.GSS');
              assert.equal(r.acceptor, setup.principal);
              const want =
                (c.delegate ? GSS_C_DELEG_FLAG : 0) |
                (c.mutual ? GSS_C_MUTUAL_FLAG : 0) |
                (c.replay ? GSS_C_REPLAY_FLAG : 0) |
                (c.sequence ? GSS_C_SEQUENCE_FLAG : 0) |
                GSS_C_CONF_FLAG |
                GSS_C_INTEG_FLAG;
              assert.equal(r.flags & 0x3f, want);
            }
            if (c.auth) assert.equal(ticketEnctypes(realm, setup), `${setup.enctype} ${setup.enctype}`);
            if (exportArgs.length === 0) {
              // MIT gss-client with the same options against the same server prints the same.
              const r = await realm.exec(
                MIT_BIN.gssClient,
                ['-port', String(mit.port), ...c.args, 'localhost', setup.service, MESSAGE],
                { env: setup.env },
              );
              assert.equal(r.code, 0, r.stderr);
              await mit.idle();
              const mitOut = r.stdout.split('\n').slice(0, -1);
              assert.deepEqual(comparable(verbose), comparable(mitOut));
              const [ours, theirs] = [tokenSizes(verbose), tokenSizes(mitOut)];
              assert.equal(ours.length, theirs.length);
              for (const [i, n] of ours.entries()) {
                assert.ok(Math.abs(n - theirs[i]) <= 4, `AP-REQ ${n} vs MIT ${theirs[i]}`);
              }
            }
          });
        }
      });
    }
  }
});
