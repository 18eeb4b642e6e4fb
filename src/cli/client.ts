import { readFileSync } from 'node:fs';
import { Credentials } from '../gssapi/creds/creds.js';
import { Name } from '../gssapi/names/names.js';
import { callServer } from '../sample/client.js';
import { parseArgs, UsageError } from './args.js';

const USAGE = `usage: gss client [--port P] [--seq] [--noreplay] [--nomutual] [--delegate|-d] [--spnego] [--ccount N] [--mcount N]
                  [--na] [--nw] [--nx] [--nm] [-f] [-q] [--user NAME] [--password-stdin] HOST SERVICE@HOST MSG

MIT gss-client's protocol: establishes a context with SERVICE@HOST on HOST:P (default 4444),
sends MSG (or the file MSG with -f) wrapped and encrypted, and verifies the returned MIC.
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function client(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    parsed = parseArgs(argv, {
      port: { names: ['port', 'p'], kind: 'number' },
      seq: { names: ['seq'], kind: 'flag' },
      noreplay: { names: ['noreplay'], kind: 'flag' },
      nomutual: { names: ['nomutual'], kind: 'flag' },
      delegate: { names: ['delegate', 'd'], kind: 'flag' },
      spnego: { names: ['spnego'], kind: 'flag' },
      ccount: { names: ['ccount'], kind: 'number' },
      mcount: { names: ['mcount'], kind: 'number' },
      na: { names: ['na'], kind: 'flag' },
      nw: { names: ['nw'], kind: 'flag' },
      nx: { names: ['nx'], kind: 'flag' },
      nm: { names: ['nm'], kind: 'flag' },
      file: { names: ['f', 'file'], kind: 'flag' },
      quiet: { names: ['q', 'quiet'], kind: 'flag' },
      user: { names: ['user'], kind: 'string' },
      passwordStdin: { names: ['password-stdin'], kind: 'flag' },
    });
    if (parsed.positionals.length !== 3) throw new UsageError('HOST SERVICE@HOST MSG are needed');
    const o = parsed.options;
    if ((o.ccount as number | undefined) === 0) throw new UsageError('--ccount must be at least 1');
  } catch (e) {
    process.stderr.write(`gss client: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const o = parsed.options;
  const [host, service, msgArg] = parsed.positionals;
  const message = o.file ? new Uint8Array(readFileSync(msgArg)) : msgArg;
  let credentials: Credentials | undefined;
  if (o.user || o.passwordStdin) {
    const name = o.user ? Name.user(o.user as string) : undefined;
    const password = o.passwordStdin ? await readStdin() : undefined;
    credentials = await Credentials.acquire({
      usage: 'initiate',
      ...(name ? { name } : {}),
      ...(password !== undefined ? { password } : {}),
    });
  }
  const auth = o.na !== true;
  for (let i = 0; i < ((o.ccount as number | undefined) ?? 1); i++) {
    await callServer({
      host,
      port: (o.port as number | undefined) ?? 4444,
      service,
      message,
      ...(credentials ? { credentials } : {}),
      mutual: o.nomutual !== true,
      replay: o.noreplay !== true,
      sequence: o.seq === true,
      delegate: o.delegate === true,
      spnego: o.spnego === true,
      auth,
      wrap: auth && o.nw !== true,
      encrypt: auth && o.nx !== true,
      mic: auth && o.nm !== true,
      mcount: (o.mcount as number | undefined) ?? 1,
      verbose: o.quiet !== true,
    });
  }
  return 0;
}
