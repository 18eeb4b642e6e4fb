import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flagsString, formatKeytab, showCredential } from '../../../src/cli/klist.js';
import {
  TKT_FLG_FORWARDABLE,
  TKT_FLG_INITIAL,
  TKT_FLG_OK_AS_DELEGATE,
  TKT_FLG_PRE_AUTH,
  TKT_FLG_RENEWABLE,
} from '../../../src/krb5/constants/flags.js';
import { trace } from '../../../src/krb5/trace.js';

describe('KRB5_TRACE', () => {
  it('appends MIT-shaped lines to the file KRB5_TRACE names, mode 0600, in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gss-trace-'));
    const file = join(dir, 'trace.log');
    const saved = process.env.KRB5_TRACE;
    process.env.KRB5_TRACE = file;
    try {
      trace('first step');
      trace('second step');
    } finally {
      if (saved === undefined) delete process.env.KRB5_TRACE;
      else process.env.KRB5_TRACE = saved;
    }
    trace('not written: KRB5_TRACE is unset again');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 2);
    const parsed = lines.map((l) => /^\[(\d+)\] (\d+)\.(\d{6}): (.*)$/.exec(l));
    assert.ok(parsed[0] && parsed[1]);
    assert.equal(parsed[0]?.[1], String(process.pid));
    assert.equal(parsed[0]?.[4], 'first step');
    const t = (m: RegExpExecArray | null) => Number(m?.[2]) * 1e6 + Number(m?.[3]);
    assert.ok(t(parsed[1]) >= t(parsed[0]));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('klist formatting (klist.c)', () => {
  const base = {
    client: 'alice@R',
    server: 'krbtgt/R@R',
    authtime: 1_000_000_000,
    starttime: 0,
    endtime: 1_000_086_400,
    renewTill: 0,
    flags: (TKT_FLG_FORWARDABLE | TKT_FLG_INITIAL | TKT_FLG_PRE_AUTH) >>> 0,
    sessionEnctype: 'aes256-cts-hmac-sha1-96',
    ticketEnctype: 'aes128-cts-hmac-sha1-96',
    addresses: [],
  };
  it('letters flags in MIT order', () => {
    assert.equal(flagsString(base.flags), 'FIA');
    assert.equal(flagsString((base.flags | TKT_FLG_RENEWABLE | TKT_FLG_OK_AS_DELEGATE) >>> 0), 'FRIAO');
    assert.equal(flagsString(0), '');
  });
  it('joins the extra fields as MIT does (tab, comma, line break after three)', () => {
    const none = { flags: false, etype: false, addresses: false };
    const lines = (s: string) => s.split('\n').slice(1);
    assert.deepEqual(lines(showCredential(base, 'alice@R', none)), ['']);
    assert.deepEqual(lines(showCredential(base, 'alice@R', { ...none, flags: true, etype: true })), [
      '\tFlags: FIA, Etype (skey, tkt): aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96 ',
      '',
    ]);
    const renew = { ...base, renewTill: 1_000_172_800, client: 'bob@R' };
    const out = lines(showCredential(renew, 'alice@R', { ...none, flags: true, etype: true }));
    assert.equal(out.length, 3);
    assert.match(out[0], /^\tfor client bob@R, renew until \S+ \S+, Flags: FIA$/);
    assert.equal(out[1], '\tEtype (skey, tkt): aes256-cts-hmac-sha1-96, aes128-cts-hmac-sha1-96 ');
  });
  it('lists keytab entries with the columns MIT uses', () => {
    const text = formatKeytab(
      'FILE:/k',
      [{ principal: 'a@R', timestamp: 0, kvno: 12, enctype: 'aes256-cts-hmac-sha1-96', key: '00ff' }],
      { times: false, etype: true, keys: true },
    );
    assert.equal(
      text,
      `Keytab name: FILE:/k\nKVNO Principal\n---- ${'-'.repeat(74)}\n  12 a@R (aes256-cts-hmac-sha1-96)  (0x00ff)\n`,
    );
  });
});
