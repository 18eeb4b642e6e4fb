/**
 * A minimal MongoDB wire-protocol server for driver tests (the driver's own mock,
 * test/tools/mongodb-mock, is not in its npm package): OP_QUERY (2004) answered with OP_REPLY (1)
 * for the pre-handshake `hello`, OP_MSG (2013) answered with OP_MSG, one BSON document each way
 * (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/). The handler sees each
 * command document with its connection and returns the reply document. 127.0.0.1 only.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const HEADER = 16;
/** OP_MSG flagBits checksumPresent: a CRC-32C trails the message. */
const CHECKSUM_PRESENT = 1;

export interface WireConnection {
  readonly id: number;
  /** Free for the handler: e.g. the authenticated principal of this connection. */
  state: Record<string, unknown>;
}

export type CommandHandler = (command: Document, conn: WireConnection) => Document | Promise<Document>;

export interface MongoWireServer {
  readonly port: number;
  close(): Promise<void>;
}

function cstringEnd(buf: Buffer, at: number): number {
  const end = buf.indexOf(0, at);
  if (end < 0) throw new Error('unterminated cstring');
  return end;
}

/** The command document of an OP_QUERY or OP_MSG body (kind-1 sections are folded in by name). */
function commandOf(opCode: number, body: Buffer): Document {
  if (opCode === OP_QUERY) {
    const nameEnd = cstringEnd(body, 4);
    const docAt = nameEnd + 1 + 8;
    return BSON.deserialize(body.subarray(docAt, docAt + body.readInt32LE(docAt)));
  }
  if (opCode !== OP_MSG) throw new Error(`unsupported opCode ${opCode}`);
  const flags = body.readUInt32LE(0);
  const end = body.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let command: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  for (let at = 4; at < end; ) {
    const kind = body[at++];
    if (kind === 0) {
      const size = body.readInt32LE(at);
      command = BSON.deserialize(body.subarray(at, at + size));
      at += size;
    } else if (kind === 1) {
      const size = body.readInt32LE(at);
      const idEnd = cstringEnd(body, at + 4);
      const id = body.toString('utf8', at + 4, idEnd);
      const docs: Document[] = [];
      for (let d = idEnd + 1; d < at + size; d += body.readInt32LE(d)) {
        docs.push(BSON.deserialize(body.subarray(d, d + body.readInt32LE(d))));
      }
      sequences[id] = docs;
      at += size;
    } else {
      throw new Error(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new Error('OP_MSG without a body section');
  return { ...command, ...sequences };
}

function reply(opCode: number, requestId: number, responseTo: number, doc: Document): Buffer {
  const bson = Buffer.from(BSON.serialize(doc));
  const body =
    opCode === OP_QUERY
      ? Buffer.concat([Buffer.alloc(20), bson]) // responseFlags, cursorID, startingFrom, numberReturned
      : Buffer.concat([Buffer.alloc(5), bson]); // flagBits 0, section kind 0
  if (opCode === OP_QUERY) body.writeInt32LE(1, 16);
  const header = Buffer.alloc(HEADER);
  header.writeInt32LE(HEADER + body.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode === OP_QUERY ? OP_REPLY : OP_MSG, 12);
  return Buffer.concat([header, body]);
}

export async function startMongoWireServer(handler: CommandHandler): Promise<MongoWireServer> {
  let nextConnection = 1;
  let nextRequest = 1;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setTimeout(30_000, () => socket.destroy());
    const conn: WireConnection = { id: nextConnection++, state: {} };
    let pending = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const size = pending.readInt32LE(0);
        const message = pending.subarray(0, size);
        pending = pending.subarray(size);
        const requestId = message.readInt32LE(4);
        const opCode = message.readInt32LE(12);
        // Answer in order: one command at a time per connection, as a server does.
        chain = chain.then(async () => {
          let doc: Document;
          try {
            doc = await handler(commandOf(opCode, message.subarray(HEADER)), conn);
          } catch (e) {
            doc = { ok: 0, errmsg: (e as Error).message, code: 1 };
          }
          if (!socket.destroyed) socket.write(reply(opCode, nextRequest++, requestId, doc));
        });
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
