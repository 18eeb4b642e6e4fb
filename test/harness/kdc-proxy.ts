/**
 * A recording proxy in front of a realm's KDC: it listens on UDP and TCP on 127.0.0.1, forwards
 * each request to the KDC and records the request and reply bytes (without TCP's 4-byte length
 * prefix, RFC 4120 7.2.2). MIT tools reach it through `env` (a krb5.conf naming the proxy as KDC).
 */
import { createSocket, type RemoteInfo } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from './net.js';
import type { Realm } from './realm.js';

export interface KdcExchange {
  readonly transport: 'udp' | 'tcp';
  readonly request: Uint8Array;
  readonly reply: Uint8Array;
}

export interface KdcProxy {
  readonly port: number;
  /** Completed request/reply pairs, in the order the replies arrived. */
  readonly exchanges: KdcExchange[];
  /** The realm's env with KRB5_CONFIG pointing at a krb5.conf whose KDC is this proxy. */
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Splits a TCP stream into RFC 4120 7.2.2 records; returns the complete ones. */
function takeRecords(buf: { data: Buffer }): Uint8Array[] {
  const out: Uint8Array[] = [];
  while (buf.data.length >= 4) {
    const n = buf.data.readUInt32BE(0);
    if (buf.data.length < 4 + n) break;
    out.push(new Uint8Array(buf.data.subarray(4, 4 + n)));
    buf.data = buf.data.subarray(4 + n);
  }
  return out;
}

export async function startKdcProxy(realm: Realm): Promise<KdcProxy> {
  const port = await freePort();
  const exchanges: KdcExchange[] = [];
  const sockets = new Set<Socket>();

  const udp = createSocket('udp4');
  udp.on('message', (msg: Buffer, from: RemoteInfo) => {
    const up = createSocket('udp4');
    const request = new Uint8Array(msg);
    up.once('message', (reply: Buffer) => {
      exchanges.push({ transport: 'udp', request, reply: new Uint8Array(reply) });
      udp.send(reply, from.port, from.address);
      up.close();
    });
    up.send(msg, realm.port, '127.0.0.1');
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));

  const tcp = createServer((client) => {
    const up = connect(realm.port, '127.0.0.1');
    sockets.add(client);
    sockets.add(up);
    const reqBuf = { data: Buffer.alloc(0) };
    const repBuf = { data: Buffer.alloc(0) };
    const pending: Uint8Array[] = [];
    client.on('data', (d: Buffer) => {
      reqBuf.data = Buffer.concat([reqBuf.data, d]);
      pending.push(...takeRecords(reqBuf));
      up.write(d);
    });
    up.on('data', (d: Buffer) => {
      repBuf.data = Buffer.concat([repBuf.data, d]);
      for (const reply of takeRecords(repBuf)) {
        const request = pending.shift() ?? new Uint8Array(0);
        exchanges.push({ transport: 'tcp', request, reply });
      }
      client.write(d);
    });
    const close = () => {
      client.destroy();
      up.destroy();
      sockets.delete(client);
      sockets.delete(up);
    };
    client.on('close', close);
    up.on('close', close);
    client.on('error', close);
    up.on('error', close);
  });
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', resolve));

  const conf = readFileSync(realm.krb5Conf, 'utf8').replace(
    `kdc = 127.0.0.1:${realm.port}`,
    `kdc = 127.0.0.1:${port}`,
  );
  const confPath = join(realm.dir, `krb5-proxy-${port}.conf`);
  writeFileSync(confPath, conf);

  return {
    port,
    exchanges,
    env: { ...realm.env, KRB5_CONFIG: confPath },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => udp.close(() => r()));
    },
  };
}
