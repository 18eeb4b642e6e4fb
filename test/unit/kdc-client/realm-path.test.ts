/** The realm path of a cross-realm request (MIT k5_client_realm_path): capaths, then the hierarchy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { realmPath } from '../../../src/krb5/kdc-client/realm-path.js';

const none = () => [];

describe('realmPath', () => {
  it('walks the hierarchy up to the common suffix and down again', () => {
    assert.deepEqual(realmPath('A.B.C', 'D.B.C', none), ['A.B.C', 'B.C', 'D.B.C']);
    assert.deepEqual(realmPath('ENG.EXAMPLE.COM', 'SALES.EXAMPLE.COM', none), [
      'ENG.EXAMPLE.COM',
      'EXAMPLE.COM',
      'SALES.EXAMPLE.COM',
    ]);
    assert.deepEqual(realmPath('TEST.GSS', 'B.TEST.GSS', none), ['TEST.GSS', 'B.TEST.GSS']);
    assert.deepEqual(realmPath('X.B.TEST.GSS', 'TEST.GSS', none), ['X.B.TEST.GSS', 'B.TEST.GSS', 'TEST.GSS']);
  });
  it('goes direct between realms with nothing in common', () => {
    assert.deepEqual(realmPath('ATHENA.MIT.EDU', 'AD.EXAMPLE.TEST', none), [
      'ATHENA.MIT.EDU',
      'AD.EXAMPLE.TEST',
    ]);
  });
  it('takes [capaths] when it names the pair: intermediates in order, "." for direct', () => {
    assert.deepEqual(
      realmPath('A.EX', 'B.EX', () => ['.']),
      ['A.EX', 'B.EX'],
    );
    assert.deepEqual(
      realmPath('A', 'D', () => ['B', 'C']),
      ['A', 'B', 'C', 'D'],
    );
  });
  it('the same realm is a path of one', () => {
    assert.deepEqual(
      realmPath('A', 'A', () => ['B']),
      ['A'],
    );
  });
});
