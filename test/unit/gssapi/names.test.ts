import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { GssError, majorName } from '../../../src/errors/status.js';
import { setNameEnv } from '../../../src/gssapi/names/name-env.js';
import {
  GSS_C_NT_EXPORT_NAME,
  GSS_C_NT_HOSTBASED_SERVICE,
  GSS_C_NT_USER_NAME,
  GSS_KRB5_NT_PRINCIPAL_NAME,
} from '../../../src/gssapi/names/name-oids.js';
import { Name } from '../../../src/gssapi/names/names.js';
import { fromHex, toHex } from '../../../src/util/bytes.js';

interface Vectors {
  names: { input: string; type: string; display: string; exported: string; localHost?: string }[];
  badExported: { hex: string; major: string }[];
  goodExported: { hex: string; display: string }[];
}
const V: Vectors = JSON.parse(readFileSync(new URL('../../vectors/gss-names.json', import.meta.url), 'utf8'));

const DOMAIN_REALM: Record<string, string> = { localhost: 'TEST.GSS', '.example.org': 'EX.ORG' };

describe('Name (MIT 1.20 vectors)', () => {
  before(() =>
    setNameEnv({
      defaultRealm: () => 'TEST.GSS',
      hostRealm: (host) => {
        for (let p: string | undefined = host; p; ) {
          if (DOMAIN_REALM[p] !== undefined) return DOMAIN_REALM[p];
          if (p.startsWith('.')) p = p.slice(1);
          else {
            const i = p.indexOf('.');
            p = i < 0 ? undefined : p.slice(i);
          }
        }
        return '';
      },
      qualifyShortname: () => undefined,
    }),
  );
  after(() => setNameEnv(undefined));

  for (const v of V.names) {
    it(`${v.type} ${v.input} -> ${v.display}`, (t) => {
      if (v.localHost && v.localHost !== hostname()) {
        t.skip(`vector captured on host ${v.localHost}`);
        return;
      }
      const n =
        v.type === 'hostbased'
          ? Name.hostbased(v.input)
          : v.type === 'user'
            ? Name.user(v.input)
            : Name.principal(v.input);
      assert.equal(n.toString(), v.display);
      assert.equal(n.displayType, GSS_KRB5_NT_PRINCIPAL_NAME);
      assert.equal(toHex(n.export()), v.exported);
      const back = Name.import(fromHex(v.exported), GSS_C_NT_EXPORT_NAME);
      assert.equal(back.toString(), v.display);
      assert.ok(back.equals(n));
    });
  }

  it('import by name-type OID', () => {
    assert.equal(
      Name.import('gsstest@localhost', GSS_C_NT_HOSTBASED_SERVICE).toString(),
      'gsstest/localhost@TEST.GSS',
    );
    assert.equal(Name.import('bob', GSS_C_NT_USER_NAME).toString(), 'bob@TEST.GSS');
    assert.throws(
      () => Name.import('x', '1.2.3.4'),
      (e: GssError) => e.code === 'GSS_S_BAD_NAMETYPE',
    );
    assert.throws(
      () => Name.import('', GSS_C_NT_USER_NAME),
      (e: GssError) => e.code === 'GSS_S_BAD_NAME',
    );
  });

  it('a malformed principal is GSS_S_FAILURE with KRB5_PARSE_MALFORMED, as MIT import_name', () => {
    assert.throws(
      () => Name.principal('a@b@R'),
      (e: GssError) => e.code === 'GSS_S_FAILURE' && e.minorCode === 'KRB5_PARSE_MALFORMED',
    );
  });

  it('compare ignores the name type but not the realm', () => {
    assert.ok(Name.hostbased('gsstest@localhost').equals(Name.principal('gsstest/localhost@TEST.GSS')));
    assert.ok(
      !Name.principal('gsstest/localhost@OTHER').equals(Name.principal('gsstest/localhost@TEST.GSS')),
    );
  });

  for (const v of V.badExported) {
    it(`bad exported name ${v.hex} -> ${v.major}`, () => {
      assert.throws(
        () => Name.import(fromHex(v.hex), GSS_C_NT_EXPORT_NAME),
        (e: unknown) => e instanceof GssError && majorName(e.major) === v.major,
      );
    });
  }
  for (const v of V.goodExported) {
    it(`composite exported name ${v.hex}`, () => {
      assert.equal(Name.import(fromHex(v.hex), GSS_C_NT_EXPORT_NAME).toString(), v.display);
    });
  }

  it('every truncation of an exported name throws only GssError', () => {
    const full = Name.hostbased('gsstest@localhost').export();
    for (let i = 0; i < full.length; i++) {
      assert.throws(() => Name.import(full.subarray(0, i), GSS_C_NT_EXPORT_NAME), GssError);
    }
    for (let i = 0; i < full.length; i++) {
      const c = full.slice();
      c[i] ^= 0xff;
      try {
        Name.import(c, GSS_C_NT_EXPORT_NAME);
      } catch (e) {
        assert.ok(e instanceof GssError, `flip at ${i}: ${String(e)}`);
      }
    }
  });
});
