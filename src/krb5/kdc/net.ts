/**
 * The KDC's transports on 127.0.0.1, shaped like MIT's net-server.c: one UDP socket and one TCP
 * listener on the same port; TCP messages framed by a 4-byte big-endian length (RFC 4120 7.2.2).
 * The handler sees whole requests and returns the reply, or undefined to drop the request, as MIT's
 * dispatch() drops what it cannot decode.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { readUint32BE, writeUint32BE } from '../../util/bytes.js';

export type Transport = 'udp' | 'tcp';

/** What a transport reports when a request is too large to be read (MIT: KRB_ERR_FIELD_TOOLONG). */
export interface KdcHandler {
  handle(request: Uint8Array, transport: Transport): Promise<Uint8Array | undefined> | Uint8Array | undefined;
  /** The KRB-ERROR sent before closing a TCP stream whose length prefix is over the cap. */
  tooLong(): Uint8Array | undefined;
}

export interface NetOptions {
  /** 0 (the default) picks a port free for both UDP and TCP. */
  readonly port?: number;
  /** MIT allots 1 MiB per TCP connection, so the largest request is 1 MiB - 4. */
  readonly maxTcpRequest?: number;
  /** MIT's max_stream_data_connections: past it, the oldest connection is closed. */
  readonly maxTcpConnections?: number;
  /** A TCP connection idle this long is closed (MIT has no timer; this bounds slow-loris peers). */
  readonly tcpIdleMs?: number;
}

export interface KdcListener {
  readonly port: number;
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';
export const MAX_TCP_REQUEST = 1024 * 1024 - 4;
export const MAX_TCP_CONNECTIONS = 45;

export async function listen(handler: KdcHandler, opts: NetOptions = {}): Promise<KdcListener> {
  const want = opts.port ?? 0;
  for (let attempt = 0; ; attempt++) {
    const tcp = await listenTcp(handler, want, opts);
    const port = (tcp.server.address() as { port: number }).port;
    try {
      const udp = await bindUdp(handler, port);
      return {
        port,
        close: async () => {
          await Promise.all([tcp.close(), new Promise<void>((r) => udp.close(() => r()))]);
        },
      };
    } catch (err) {
      await tcp.close();
      // With port 0 the kernel's TCP port may be taken for UDP: try another.
      if (want !== 0 || attempt >= 20) throw err;
    }
  }
}

function bindUdp(handler: KdcHandler, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const sock = createSocket({ type: 'udp4', reuseAddr: false });
    sock.once('error', reject);
    sock.bind(port, HOST, () => {
      sock.off('error', reject);
      // A datagram error (ICMP unreachable echoed as ECONNREFUSED) must not stop the KDC.
      sock.on('error', () => undefined);
      sock.on('message', (msg, rinfo) => {
        if (msg.length === 0) return;
        const request = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
        void respond(handler, request, 'udp').then((reply) => {
          if (reply) sock.send(reply, rinfo.port, rinfo.address, () => undefined);
        });
      });
      resolve(sock);
    });
  });
}

/** Runs the handler; an exception there is a bug, but it must not take the KDC down. */
async function respond(
  handler: KdcHandler,
  request: Uint8Array,
  transport: Transport,
): Promise<Uint8Array | undefined> {
  try {
    return await handler.handle(request, transport);
  } catch {
    return undefined;
  }
}

interface TcpListener {
  readonly server: Server;
  close(): Promise<void>;
}

function listenTcp(handler: KdcHandler, port: number, opts: NetOptions): Promise<TcpListener> {
  const maxRequest = opts.maxTcpRequest ?? MAX_TCP_REQUEST;
  const maxConnections = opts.maxTcpConnections ?? MAX_TCP_CONNECTIONS;
  const idleMs = opts.tcpIdleMs ?? 30_000;
  const open: Socket[] = [];
  const server = createServer((socket) => {
    open.push(socket);
    socket.once('close', () => {
      const i = open.indexOf(socket);
      if (i >= 0) open.splice(i, 1);
    });
    if (open.length > maxConnections) open[0].destroy();
    socket.setTimeout(idleMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    serveStream(handler, socket, maxRequest);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve({
        server,
        close: () =>
          new Promise<void>((r) => {
            for (const s of [...open]) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** One request per connection, as MIT's KDC serves it: read length + message, answer, close. */
function serveStream(handler: KdcHandler, socket: Socket, maxRequest: number): void {
  const chunks: Buffer[] = [];
  let have = 0;
  let need = -1;
  let busy = false;
  const onData = (data: Buffer): void => {
    if (busy) return;
    chunks.push(data);
    have += data.length;
    if (need < 0 && have >= 4) {
      const head = Buffer.concat(chunks);
      need = readUint32BE(head, 0);
      if (need > maxRequest) {
        // RFC 4120 7.2.2: a length with the high bit set, or too large, gets FIELD_TOOLONG and a close.
        busy = true;
        const err = handler.tooLong();
        if (err) socket.end(frame(err));
        else socket.destroy();
        return;
      }
      chunks.length = 0;
      chunks.push(head);
    }
    if (need >= 0 && have >= 4 + need) {
      busy = true;
      socket.off('data', onData);
      const all = Buffer.concat(chunks);
      const request = new Uint8Array(all.buffer, all.byteOffset + 4, need);
      void respond(handler, request, 'tcp').then((reply) => {
        if (reply) socket.end(frame(reply));
        else socket.destroy();
      });
    }
  };
  socket.on('data', onData);
}

function frame(msg: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + msg.length);
  writeUint32BE(out, 0, msg.length);
  out.set(msg, 4);
  return out;
}
