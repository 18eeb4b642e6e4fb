import { readFileSync } from 'node:fs';
import { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { callServer } from '../sample/client.js';
import { defineCommand } from './command.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `gss client`: MIT gss-client (src/appl/gss-sample/gss-client.c), whose options it also takes. */
export const client = defineCommand(
  {
    name: 'client',
    summary: "MIT gss-client's protocol",
    operands: 'HOST SERVICE@HOST MSG',
    minOperands: 3,
    maxOperands: 3,
    description: `MIT gss-client's protocol: establishes a context with SERVICE@HOST on HOST:P (default 4444),
sends MSG (or the file MSG with -f) wrapped and encrypted, and verifies the returned MIC.`,
    usageStatus: 2,
    options: {
      port: {
        kind: 'number',
        long: 'port',
        mit: ['port'],
        short: 'p',
        value: 'P',
        default: 4444,
        max: 65535,
        help: 'server port',
      },
      seq: {
        kind: 'flag',
        long: 'seq',
        mit: ['seq'],
        help: 'ask for sequence checking (GSS_C_SEQUENCE_FLAG)',
      },
      noreplay: {
        kind: 'flag',
        long: 'noreplay',
        mit: ['noreplay'],
        help: 'no replay detection (GSS_C_REPLAY_FLAG)',
      },
      nomutual: {
        kind: 'flag',
        long: 'nomutual',
        mit: ['nomutual'],
        help: 'no mutual authentication (no AP-REP)',
      },
      delegate: { kind: 'flag', long: 'delegate', short: 'd', help: 'delegate the TGT (GSS_C_DELEG_FLAG)' },
      spnego: {
        kind: 'flag',
        long: 'spnego',
        mit: ['spnego'],
        help: 'use SPNEGO (RFC 4178) around Kerberos',
      },
      ccount: {
        kind: 'number',
        long: 'ccount',
        mit: ['ccount'],
        value: 'N',
        default: 1,
        min: 1,
        help: 'connections, each with its own context',
      },
      mcount: {
        kind: 'number',
        long: 'mcount',
        mit: ['mcount'],
        value: 'N',
        default: 1,
        help: 'messages per connection',
      },
      na: {
        kind: 'flag',
        long: 'na',
        mit: ['na'],
        help: 'no authentication: no context, messages in the clear',
      },
      nw: { kind: 'flag', long: 'nw', mit: ['nw'], help: 'send the message unwrapped' },
      nx: { kind: 'flag', long: 'nx', mit: ['nx'], help: 'wrap without encryption (integrity only)' },
      nm: { kind: 'flag', long: 'nm', mit: ['nm'], help: 'ask for no MIC in reply' },
      file: { kind: 'flag', long: 'file', short: 'f', help: 'MSG is the name of a file to send' },
      quiet: { kind: 'flag', long: 'quiet', short: 'q', help: "quiet: not MIT's verbose lines" },
      user: {
        kind: 'string',
        long: 'user',
        mit: ['user'],
        value: 'NAME',
        help: 'initiate as NAME (else the ccache)',
      },
      passwordStdin: {
        kind: 'flag',
        long: 'password-stdin',
        help: 'get initial credentials with a password from stdin',
      },
    },
  },
  async ({ options: o, operands }) => {
    const [host, service, msgArg] = operands;
    const message = o.file ? new Uint8Array(readFileSync(msgArg)) : msgArg;
    let credentials: Credentials | undefined;
    if (o.user || o.passwordStdin) {
      const name = o.user ? Name.user(o.user) : undefined;
      const password = o.passwordStdin ? await readStdin() : undefined;
      credentials = await Credentials.acquire({
        usage: 'initiate',
        ...(name ? { name } : {}),
        ...(password !== undefined ? { password } : {}),
      });
    }
    const auth = !o.na;
    for (let i = 0; i < o.ccount; i++) {
      await callServer({
        host,
        port: o.port,
        service,
        message,
        ...(credentials ? { credentials } : {}),
        mutual: !o.nomutual,
        replay: !o.noreplay,
        spnego: o.spnego,
        sequence: o.seq,
        delegate: o.delegate,
        auth,
        wrap: auth && !o.nw,
        encrypt: auth && !o.nx,
        mic: auth && !o.nm,
        mcount: o.mcount,
        verbose: !o.quiet,
      });
    }
    return 0;
  },
);
