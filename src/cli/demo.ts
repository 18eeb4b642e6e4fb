/**
 * `gss demo` (`npm start`): the seed's scenario end to end, with nothing installed. An embedded
 * KDC on 127.0.0.1, a user and a service; the user's TGT from our KDC client; `gss server` with
 * two worker processes; several clients. The listening process accepts each context, exports it
 * sealed, and hands it with the socket to a worker, which imports it and serves the messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile, randomBytes } from '../crypto/index.js';
import { Credentials } from '../gssapi/creds/creds.js';
import { resolveCcache } from '../krb5/ccache/index.js';
import { startKdc } from '../krb5/kdc/index.js';
import {
  getInitialCredentials,
  loadClientConfig,
  storeInitialCredentials,
} from '../krb5/kdc-client/index.js';
import { parsePrincipal } from '../krb5/principal.js';
import { callServer } from '../sample/client.js';
import { type ConnectionEvent, startSampleServer } from '../sample/server.js';
import { defineCommand } from './command.js';

const REALM = 'DEMO.GSS';
const SERVICE = 'gsstest@localhost';
const CLIENTS = 4;
const MESSAGES = 2;

function flagNames(flags: number): string {
  const names: [number, string][] = [
    [1, 'deleg'],
    [2, 'mutual'],
    [4, 'replay'],
    [8, 'sequence'],
    [16, 'conf'],
    [32, 'integ'],
    [256, 'trans'],
  ];
  return names
    .filter(([bit]) => flags & bit)
    .map(([, n]) => n)
    .join(' ');
}

export const demo = defineCommand(
  {
    name: 'demo',
    summary: 'the seed scenario end to end (npm start)',
    operands: '',
    minOperands: 0,
    maxOperands: 0,
    description: `An embedded KDC, a user and a service, gss server with two worker processes, and four
clients: each context is accepted by the listener, exported sealed, and continued by a worker.
Needs nothing installed and leaves nothing behind.`,
    usageStatus: 2,
    options: {},
  },
  runDemo,
);

async function runDemo(): Promise<number> {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'gss-demo-'));
  const savedEnv = { ...process.env };
  const password = Buffer.from(randomBytes(12)).toString('base64url');
  const kdc = await startKdc({
    realm: REALM,
    principals: [{ name: 'alice', password }, { name: 'gsstest/localhost' }],
  });
  let server: Awaited<ReturnType<typeof startSampleServer>> | undefined;
  try {
    out('gssapi-ts demo: a Kerberos context accepted in one process, continued in another');
    out();
    const krb5Conf = join(dir, 'krb5.conf');
    const keytab = join(dir, 'gsstest.keytab');
    const ccacheName = `FILE:${join(dir, 'alice.ccache')}`;
    kdc.writeKrb5Conf(krb5Conf);
    await kdc.exportKeytab(['gsstest/localhost'], keytab);
    // The library, and the workers forked below, find the realm as MIT users do.
    process.env.KRB5_CONFIG = krb5Conf;
    process.env.KRB5_KTNAME = `FILE:${keytab}`;
    process.env.KRB5CCNAME = ccacheName;
    process.env.KRB5RCACHEDIR = dir;
    out(`1. Embedded KDC for ${REALM} on 127.0.0.1:${kdc.port} (UDP and TCP), principals alice and`);
    out(`   gsstest/localhost; the service key is written to a keytab (mode 0600).`);

    const config = loadClientConfig(process.env);
    const got = await getInitialCredentials({
      client: parsePrincipal(`alice@${REALM}`),
      password,
      settings: config.settings,
    });
    const ccache = resolveCcache(ccacheName, process.env, config.ccacheDefaults);
    await storeInitialCredentials(ccache, got);
    const tgt = got.credential;
    out(
      `2. alice's TGT from our KDC client: pre-authenticated AS exchange, ${getProfile(tgt.key.enctype).name} session key,`,
    );
    out(`   valid ${Math.round((tgt.endtime - tgt.starttime) / 3600)} h, stored in an MIT-format ccache.`);

    const events: ConnectionEvent[] = [];
    const workerLines: string[] = [];
    server = await startSampleServer({
      service: SERVICE,
      keytab,
      workers: 2,
      log: (line) => {
        if (line.startsWith('[worker')) workerLines.push(line);
      },
      onConnection: (e) => events.push(e),
    });
    out(
      `3. gss server on 127.0.0.1:${server.port}: listener pid ${process.pid}, workers ${server.workerPids.join(' and ')}.`,
    );
    out(`   The workers share a sealing key made at start-up, sent over their IPC channel only.`);
    out();

    const credentials = await Credentials.acquire({ usage: 'initiate', ccache: ccacheName });
    for (let i = 1; i <= CLIENTS; i++) {
      const before = events.length;
      const result = await callServer({
        host: '127.0.0.1',
        port: server.port,
        service: SERVICE,
        message: `message ${i} from alice`,
        credentials,
        mcount: MESSAGES,
        sequence: i % 2 === 0,
        log: () => {},
      });
      await waitFor(() => events.length > before, 5000);
      const e = events[events.length - 1];
      if (e.error) throw new Error(`connection ${i}: ${e.error}`);
      out(`client ${i}: context established with ${result.acceptor} (flags: ${flagNames(result.flags)})`);
      out(
        `  listener pid ${process.pid} accepted "${e.client}", exported the context: ${e.exportedBytes}-byte sealed token`,
      );
      out(`  the exporter's handle now refuses use: ${e.exporterAfterExport}`);
      out(
        `  worker pid ${e.workerPid} imported it and served ${e.report?.messages.length} messages (${e.report?.encrypted} encrypted), ` +
          `returning ${e.report?.mics} MICs; the client verified ${result.micsVerified}`,
      );
    }
    const pids = new Set(events.map((e) => e.workerPid));
    out();
    out(
      `${CLIENTS} contexts, ${CLIENTS * MESSAGES} messages, served by ${pids.size} worker processes; each exporter handle was dead after its export.`,
    );
    out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return 0;
  } finally {
    await server?.close();
    await kdc.stop();
    for (const k of ['KRB5_CONFIG', 'KRB5_KTNAME', 'KRB5CCNAME', 'KRB5RCACHEDIR']) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the server');
    await new Promise((r) => setTimeout(r, 5));
  }
}
