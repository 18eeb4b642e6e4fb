/** The KDC transports alone (src/krb5/kdc/net.ts), with a stub handler. */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { listen, MAX_TCP_CONNECTIONS } from '../../../src/krb5/kdc/net.js';
import { framed, tcpExchange, udpRequest } from './helpers.js';

const echo = {
  handle: (req: Uint8Array) => (req[0] === 0xff ? undefined : new Uint8Array([0xaa, ...req])),
  tooLong: () => new Uint8Array([0x7e]),
};

describe('KDC transports', () => {
  it('binds UDP and TCP on one port of 127.0.0.1 and frames TCP replies', async () => {
    const l = await listen(echo);
    try {
      assert.deepEqual(await udpRequest(l.port, new Uint8Array([1, 2])), new Uint8Array([0xaa, 1, 2]));
      const raw = await tcpExchange(l.port, framed(new Uint8Array([3])));
      assert.deepEqual(raw, new Uint8Array([0, 0, 0, 2, 0xaa, 3]));
      // A request split across writes is reassembled.
      const split = await new Promise<Uint8Array>((resolve) => {
        const chunks: Buffer[] = [];
        const s = connect(l.port, '127.0.0.1', () => {
          s.write(Buffer.from([0, 0]));
          setTimeout(() => s.write(Buffer.from([0, 3, 7])), 20);
          setTimeout(() => s.write(Buffer.from([8, 9])), 40);
        });
        s.on('data', (d) => chunks.push(d));
        s.on('close', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      });
      assert.deepEqual(split, new Uint8Array([0, 0, 0, 4, 0xaa, 7, 8, 9]));
    } finally {
      await l.close();
    }
  });

  it('closes a TCP connection the handler does not answer, and keeps serving', async () => {
    const l = await listen(echo);
    try {
      assert.equal((await tcpExchange(l.port, framed(new Uint8Array([0xff])))).length, 0);
      assert.equal(await udpRequest(l.port, new Uint8Array([0xff]), 200), undefined);
      assert.deepEqual(await udpRequest(l.port, new Uint8Array([5])), new Uint8Array([0xaa, 5]));
    } finally {
      await l.close();
    }
  });

  it('survives a handler that throws', async () => {
    const l = await listen({
      handle: (req) => {
        if (req[0] === 1) throw new Error('bug');
        return req;
      },
      tooLong: () => undefined,
    });
    try {
      assert.equal(await udpRequest(l.port, new Uint8Array([1]), 200), undefined);
      assert.deepEqual(await udpRequest(l.port, new Uint8Array([2])), new Uint8Array([2]));
    } finally {
      await l.close();
    }
  });

  it(`closes the oldest TCP connection past ${MAX_TCP_CONNECTIONS} (MIT max_stream_data_connections)`, async () => {
    const l = await listen(echo);
    const sockets: Socket[] = [];
    try {
      const firstClosed = new Promise<void>((resolve) => {
        const s = connect(l.port, '127.0.0.1');
        s.on('error', () => undefined);
        s.on('close', () => resolve());
        sockets.push(s);
      });
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < MAX_TCP_CONNECTIONS; i++) {
        const s = connect(l.port, '127.0.0.1');
        s.on('error', () => undefined);
        sockets.push(s);
      }
      await firstClosed;
      assert.deepEqual(
        await tcpExchange(l.port, framed(new Uint8Array([9]))),
        new Uint8Array([0, 0, 0, 2, 0xaa, 9]),
      );
    } finally {
      for (const s of sockets) s.destroy();
      await l.close();
    }
  });
});
