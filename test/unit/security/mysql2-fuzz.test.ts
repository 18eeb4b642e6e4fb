/**
 * The parser of gssapi-ts/mysql2 (the server's first auth_gssapi_client packet) and the plugin
 * handler fed damaged packets: only GssError may escape, before any network I/O.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GSS_S_BAD_MECH, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import { parseFirstPacket } from '../../../src/mysql2/auth-plugin.js';
import { gssapiAuthPlugin } from '../../../src/mysql2/index.js';
import { fuzzSync, garbage, mutants } from './fuzz-lib.js';

const enc = new TextEncoder();

describe('gssapi-ts/mysql2 under damaged input', () => {
  it('parseFirstPacket: only DEFECTIVE_TOKEN escapes', () => {
    const valid = enc.encode('mariadb/db.example.com@EXAMPLE.COM\0\0');
    fuzzSync('parseFirstPacket', mutants(valid, 51), parseFirstPacket, [GSS_S_DEFECTIVE_TOKEN]);
    fuzzSync('parseFirstPacket garbage', garbage(52), parseFirstPacket, [GSS_S_DEFECTIVE_TOKEN]);
  });

  it('reads the principal and the mechanism, as server_plugin.cc writes them', () => {
    assert.deepEqual(parseFirstPacket(enc.encode('mariadb/h@R\0\0')), { principal: 'mariadb/h@R', mech: '' });
    assert.deepEqual(parseFirstPacket(enc.encode('HTTP/h@R\0Kerberos\0')), {
      principal: 'HTTP/h@R',
      mech: 'Kerberos',
    });
    assert.throws(() => parseFirstPacket(enc.encode('\0\0')), /names no service principal/);
  });

  it('the handler refuses SPNEGO and a malformed principal before touching credentials', async () => {
    const handler = gssapiAuthPlugin()();
    await assert.rejects(
      handler(enc.encode('mariadb/h@R\0Negotiate\0')),
      (e) => e instanceof GssError && e.major === GSS_S_BAD_MECH,
    );
    await assert.rejects(
      gssapiAuthPlugin()()(enc.encode('a@b@c\0\0')),
      (e) => e instanceof GssError && /malformed principal name/.test(e.message),
    );
  });
});
