import { type KdcPrincipalSpec, startKdc } from '../krb5/kdc/index.js';
import { defineCommand } from './command.js';
import { UsageError } from './options/parse.js';

/** `gss kdc`: the embedded KDC in the foreground on 127.0.0.1 until SIGINT or SIGTERM. */
export const kdc = defineCommand(
  {
    name: 'kdc',
    summary: 'run the embedded KDC on 127.0.0.1',
    operands: '',
    minOperands: 0,
    maxOperands: 0,
    description: `The embedded KDC on 127.0.0.1 (UDP and TCP) until SIGINT or SIGTERM; prints its port.`,
    usageStatus: 2,
    options: {
      realm: { kind: 'string', long: 'realm', short: 'r', value: 'REALM', required: true, help: 'the realm' },
      port: {
        kind: 'number',
        long: 'port',
        short: 'p',
        value: 'P',
        default: 0,
        max: 65535,
        help: 'UDP and TCP port; 0 takes any free one',
      },
      db: {
        kind: 'string',
        long: 'db',
        value: 'FILE',
        help: 'principal database (JSON, mode 0600); loaded if it exists',
      },
      principal: {
        kind: 'string',
        long: 'principal',
        value: 'NAME[:PASS]',
        repeatable: true,
        help: 'a user (with :PASS) or a service (random key)',
      },
      noPreauth: {
        kind: 'flag',
        long: 'no-preauth',
        help: 'principals added here do not require pre-authentication',
      },
      keytab: {
        kind: 'string',
        long: 'keytab',
        value: 'FILE',
        help: 'write a keytab of the --keytab-principal names, else of the services',
      },
      keytabPrincipal: {
        kind: 'string',
        long: 'keytab-principal',
        value: 'NAME',
        repeatable: true,
        help: 'a principal to export into --keytab',
      },
      krb5conf: {
        kind: 'string',
        long: 'krb5conf',
        value: 'FILE',
        help: 'write a krb5.conf pointing at this KDC',
      },
    },
  },
  async ({ options: o }) => {
    if (o.keytabPrincipal.length > 0 && !o.keytab) throw new UsageError('--keytab-principal needs --keytab');
    const principals = o.principal.map((s): KdcPrincipalSpec => {
      // The name is everything up to the first ':' (principal names have no ':' in practice).
      const colon = s.indexOf(':');
      const name = colon < 0 ? s : s.slice(0, colon);
      const password = colon < 0 ? undefined : s.slice(colon + 1);
      return { name, password, requiresPreauth: !o.noPreauth };
    });
    const server = await startKdc({
      realm: o.realm,
      port: o.port,
      db: o.db,
      principals,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    try {
      if (o.keytab) {
        // Without --keytab-principal: the services (the --principal names given without a password).
        const services = principals.filter((p) => p.password === undefined).map((p) => p.name);
        const names = o.keytabPrincipal.length > 0 ? o.keytabPrincipal : services;
        if (names.length === 0) throw new Error('--keytab: no principal to export (use --keytab-principal)');
        await server.exportKeytab(names, o.keytab);
        process.stdout.write(`keytab: ${o.keytab} (${names.join(', ')})\n`);
      }
      if (o.krb5conf) {
        server.writeKrb5Conf(o.krb5conf);
        process.stdout.write(`krb5.conf: ${o.krb5conf}\n`);
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
  },
);
