/**
 * `gss kdc`: the embedded KDC in the foreground on 127.0.0.1 until SIGINT or SIGTERM.
 *
 *   gss kdc --realm R [--port P] [--db FILE] [--principal NAME[:PASSWORD]]... [--no-preauth]
 *           [--keytab FILE --keytab-principal NAME ...] [--krb5conf FILE]
 */
import { type KdcPrincipalSpec, startKdc } from '../krb5/kdc/index.js';

const USAGE = `usage: gss kdc --realm REALM [options]
  --port P                   UDP and TCP port on 127.0.0.1 (default 0: any free port)
  --db FILE                  principal database (JSON, mode 0600); loaded if it exists
  --principal NAME[:PASS]    add a principal: with a password, or a random key (services)
  --no-preauth               principals added here do not require pre-authentication
  --keytab FILE              write a keytab for the --keytab-principal names (default:
                             the --principal names given without a password)
  --keytab-principal NAME    a principal to export into --keytab (repeatable)
  --krb5conf FILE            write a krb5.conf pointing at this KDC
`;

interface KdcArgs {
  realm?: string;
  port: number;
  db?: string;
  principals: KdcPrincipalSpec[];
  preauth: boolean;
  keytab?: string;
  keytabPrincipals: string[];
  krb5conf?: string;
}

function parseArgs(args: string[]): KdcArgs | string {
  const out: KdcArgs = { port: 0, principals: [], preauth: true, keytabPrincipals: [] };
  const specs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '--realm' || a === '-r') out.realm = value();
      else if (a === '--port' || a === '-p') {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) return `bad port '${args[i]}'`;
        out.port = p;
      } else if (a === '--db') out.db = value();
      else if (a === '--principal') specs.push(value());
      else if (a === '--no-preauth') out.preauth = false;
      else if (a === '--keytab') out.keytab = value();
      else if (a === '--keytab-principal') out.keytabPrincipals.push(value());
      else if (a === '--krb5conf') out.krb5conf = value();
      else if (a === '--help' || a === '-h') return '';
      else return `unknown option '${a}'`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  for (const s of specs) {
    // The name is everything up to the first ':' (principal names have no ':' in practice).
    const colon = s.indexOf(':');
    const name = colon < 0 ? s : s.slice(0, colon);
    const password = colon < 0 ? undefined : s.slice(colon + 1);
    out.principals.push({ name, password, requiresPreauth: out.preauth });
  }
  if (!out.realm) return '--realm is required';
  if (out.keytabPrincipals.length > 0 && !out.keytab) return '--keytab-principal needs --keytab';
  return out;
}

export async function kdc(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    process.stderr.write(parsed ? `gss kdc: ${parsed}\n${USAGE}` : USAGE);
    return parsed ? 2 : 0;
  }
  const server = await startKdc({
    realm: parsed.realm as string,
    port: parsed.port,
    db: parsed.db,
    principals: parsed.principals,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    if (parsed.keytab) {
      // Without --keytab-principal: the services (the --principal names given without a password).
      const services = parsed.principals.filter((p) => p.password === undefined).map((p) => p.name);
      const names = parsed.keytabPrincipals.length > 0 ? parsed.keytabPrincipals : services;
      if (names.length === 0) throw new Error('--keytab: no principal to export (use --keytab-principal)');
      await server.exportKeytab(names, parsed.keytab);
      process.stdout.write(`keytab: ${parsed.keytab} (${names.join(', ')})\n`);
    }
    if (parsed.krb5conf) {
      server.writeKrb5Conf(parsed.krb5conf);
      process.stdout.write(`krb5.conf: ${parsed.krb5conf}\n`);
    }
  } catch (e) {
    await server.stop();
    process.stderr.write(`gss kdc: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`gss kdc: realm ${server.realm} on 127.0.0.1 port ${server.port} (udp, tcp)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.stop();
  return 0;
}
