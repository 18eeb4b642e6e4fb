import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_FAILURE, GssError } from '../../../src/errors/status.js';
import { locateKdcs, parseKdcAddress } from '../../../src/krb5/kdc-client/locate.js';
import { isResponseTooBig, networkTransport } from '../../../src/krb5/kdc-client/transport.js';
import { setTraceSink } from '../../../src/krb5/trace.js';
import { freePort } from '../../harness/net.js';

// A KRB-ERROR with error-code 52 (RESPONSE_TOO_BIG): APPLICATION 30 { SEQUENCE { [0] 5, [1] 30, [6] 52 } }.
const TOO_BIG = new Uint8Array([
  0x7e, 0x11, 0x30, 0x0f, 0xa0, 0x03, 0x02, 0x01, 0x05, 0xa1, 0x03, 0x02, 0x01, 0x1e, 0xa6, 0x03, 0x02, 0x01,
  0x34,
]);

interface FakeKdc {
  port: number;
  udpSeen: number;
  tcpSeen: number;
  close(): Promise<void>;
}

/** A KDC on 127.0.0.1 answering `reply(kind, request)`; undefined means stay silent. */
async function fakeKdc(
  reply: (kind: 'udp' | 'tcp', req: Uint8Array) => Uint8Array | undefined,
): Promise<FakeKdc> {
  const port = await freePort();
  const state = { udpSeen: 0, tcpSeen: 0 };
  const udp: UdpSocket = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    state.udpSeen++;
    const r = reply('udp', new Uint8Array(msg));
    if (r) udp.send(r, rinfo.port, rinfo.address);
  });
  await new Promise<void>((res) => udp.bind(port, '127.0.0.1', () => res()));
  const tcp: Server = createServer((s) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        state.tcpSeen++;
        const r = reply('tcp', new Uint8Array(buf.subarray(4)));
        if (r) {
          const len = Buffer.alloc(4);
          len.writeUInt32BE(r.length);
          s.end(Buffer.concat([len, r]));
        }
      }
    });
    s.on('error', () => {});
  });
  await new Promise<void>((res) => tcp.listen(port, '127.0.0.1', () => res()));
  return {
    port,
    get udpSeen() {
      return state.udpSeen;
    },
    get tcpSeen() {
      return state.tcpSeen;
    },
    close: async () => {
      udp.close();
      await new Promise((r) => tcp.close(r));
    },
  } as FakeKdc;
}

const settings = (lines: string[], extra: Partial<Parameters<typeof networkTransport>[0]> = {}) =>
  ({ kdcLines: () => lines, dnsLookupKdc: false, udpPreferenceLimit: 1465, ...extra }) as const;

describe('KDC location', () => {
  it('parses host, port, IPv6 and transport prefixes as MIT does', () => {
    assert.deepEqual(parseKdcAddress('kdc.example.com'), { host: 'kdc.example.com', port: 88 });
    assert.deepEqual(parseKdcAddress('127.0.0.1:750'), { host: '127.0.0.1', port: 750 });
    assert.deepEqual(parseKdcAddress('[::1]:88'), { host: '::1', port: 88 });
    assert.deepEqual(parseKdcAddress('tcp/10.0.0.1'), { host: '10.0.0.1', port: 88, only: 'tcp' });
    assert.equal(parseKdcAddress('host:99999'), undefined);
    assert.equal(parseKdcAddress('https://kdc/KdcProxy'), undefined);
  });
  it('says DNS lookup is not implemented when dns_lookup_kdc is on and no kdc line exists', () => {
    for (const dns of [true, false]) {
      assert.throws(
        () => locateKdcs('R.TEST', { kdcLines: () => [], dnsLookupKdc: dns }),
        (e: unknown) =>
          e instanceof GssError &&
          e.major === GSS_S_FAILURE &&
          e.minor === MINOR.KRB5_REALM_CANT_RESOLVE &&
          /R\.TEST/.test(e.message) &&
          (dns ? /not implemented/ : /dns_lookup_kdc is false/).test(e.message),
      );
    }
  });
});

describe('network transport', () => {
  let echo: FakeKdc;
  let tooBig: FakeKdc;
  before(async () => {
    echo = await fakeKdc((kind, req) => new Uint8Array([kind === 'udp' ? 1 : 2, ...req]));
    tooBig = await fakeKdc((kind, req) => (kind === 'udp' ? TOO_BIG : new Uint8Array([9, ...req])));
  });
  after(async () => {
    await echo.close();
    await tooBig.close();
  });

  it('recognises KRB_ERR_RESPONSE_TOO_BIG and nothing else', () => {
    assert.equal(isResponseTooBig(TOO_BIG), true);
    const other = TOO_BIG.slice();
    other[18] = 0x19;
    assert.equal(isResponseTooBig(other), false);
    for (let i = 0; i < TOO_BIG.length; i++) assert.equal(isResponseTooBig(TOO_BIG.subarray(0, i)), false);
  });

  it('uses UDP for small requests and logs MIT-style trace lines', async () => {
    const lines: string[] = [];
    setTraceSink((l) => lines.push(l));
    try {
      const send = networkTransport(settings([`127.0.0.1:${echo.port}`]));
      const reply = await send('R.TEST', new Uint8Array([7, 7]));
      assert.deepEqual([...reply], [1, 7, 7]);
    } finally {
      setTraceSink(undefined);
    }
    assert.match(lines[0], /^\[\d+\] \d+\.\d{6}: Sending request \(2 bytes\) to R\.TEST\n$/);
    assert.match(lines[1], new RegExp(`Sending initial UDP request to dgram 127.0.0.1:${echo.port}`));
    assert.match(lines[2], /Received answer \(3 bytes\) from dgram/);
  });

  it('uses TCP when the request exceeds udp_preference_limit', async () => {
    const send = networkTransport(settings([`127.0.0.1:${echo.port}`], { udpPreferenceLimit: 1 }));
    const reply = await send('R.TEST', new Uint8Array([5, 6]));
    assert.deepEqual([...reply], [2, 5, 6]);
  });

  it('retries over TCP when the KDC answers RESPONSE_TOO_BIG over UDP', async () => {
    const before = tooBig.tcpSeen;
    const reply = await networkTransport(settings([`127.0.0.1:${tooBig.port}`]))(
      'R.TEST',
      new Uint8Array([3]),
    );
    assert.deepEqual([...reply], [9, 3]);
    assert.equal(tooBig.tcpSeen, before + 1);
  });

  it('moves on to the next KDC when the first refuses', async () => {
    const closed = await freePort();
    const reply = await networkTransport(settings([`127.0.0.1:${closed}`, `127.0.0.1:${echo.port}`]))(
      'R.TEST',
      new Uint8Array([4]),
    );
    assert.deepEqual([...reply], [1, 4]);
  });

  it('fails with KRB5_REALM_CANT_RESOLVE when no KDC name resolves, as MIT', async () => {
    await assert.rejects(
      networkTransport(settings(['no-such-kdc.invalid', 'tcp/also-missing.invalid:750']))(
        'R.TEST',
        new Uint8Array([1]),
      ),
      (e: unknown) =>
        e instanceof GssError &&
        e.minor === MINOR.KRB5_REALM_CANT_RESOLVE &&
        e.message.includes("realm 'R.TEST'") &&
        e.message.includes('tcp/also-missing.invalid:750'),
    );
  });

  it('fails with KRB5_KDC_UNREACH naming the realm and KDCs tried, within the bound', async () => {
    const silent = await fakeKdc(() => undefined);
    try {
      const t0 = Date.now();
      await assert.rejects(
        networkTransport(settings([`127.0.0.1:${silent.port}`], { firstWaitMs: 50, maxTotalMs: 2000 }))(
          'R.TEST',
          new Uint8Array([1]),
        ),
        (e: unknown) =>
          e instanceof GssError &&
          e.minor === MINOR.KRB5_KDC_UNREACH &&
          e.message.includes("realm 'R.TEST'") &&
          e.message.includes(`udp/127.0.0.1:${silent.port}`) &&
          e.message.includes(`tcp/127.0.0.1:${silent.port}`),
      );
      const took = Date.now() - t0;
      assert.ok(took < 2000, `took ${took} ms`);
      assert.equal(silent.udpSeen, 3, 'three UDP passes');
      const t1 = Date.now();
      await assert.rejects(
        networkTransport(settings([`127.0.0.1:${silent.port}`], { firstWaitMs: 1000, maxTotalMs: 300 }))(
          'R.TEST',
          new Uint8Array([1]),
        ),
        (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5_KDC_UNREACH,
      );
      assert.ok(Date.now() - t1 < 1000, 'total bound honoured');
    } finally {
      await silent.close();
    }
  });
});
