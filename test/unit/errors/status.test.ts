import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINOR, minorName } from '../../../src/errors/minor.js';
import {
  GSS_CALLING_ERROR,
  GSS_ERROR,
  GSS_ROUTINE_ERROR,
  GSS_S_BAD_MECH,
  GSS_S_CALL_BAD_STRUCTURE,
  GSS_S_CALL_INACCESSIBLE_READ,
  GSS_S_DEFECTIVE_TOKEN,
  GSS_S_DUPLICATE_TOKEN,
  GSS_S_FAILURE,
  GSS_S_NO_CONTEXT,
  GSS_S_UNAVAILABLE,
  GSS_SUPPLEMENTARY_INFO,
  GssError,
} from '../../../src/errors/status.js';

describe('status codes (RFC 2744 3.9.1)', () => {
  it('has the RFC values the seed page lists', () => {
    assert.equal(GSS_S_CALL_INACCESSIBLE_READ, 0x01000000);
    assert.equal(GSS_S_FAILURE, 0x000d0000);
    assert.equal(GSS_S_NO_CONTEXT, 0x00080000);
    assert.equal(GSS_S_UNAVAILABLE, 0x00100000);
    assert.equal(GSS_S_CALL_BAD_STRUCTURE, 0x03000000);
  });

  it('splits a major status into its parts', () => {
    const major = (GSS_S_CALL_INACCESSIBLE_READ | GSS_S_DEFECTIVE_TOKEN | GSS_S_DUPLICATE_TOKEN) >>> 0;
    assert.equal(GSS_CALLING_ERROR(major), GSS_S_CALL_INACCESSIBLE_READ);
    assert.equal(GSS_ROUTINE_ERROR(major), GSS_S_DEFECTIVE_TOKEN);
    assert.equal(GSS_SUPPLEMENTARY_INFO(major), GSS_S_DUPLICATE_TOKEN);
    assert.equal(GSS_ERROR(major), true);
    assert.equal(GSS_ERROR(GSS_S_DUPLICATE_TOKEN), false);
  });

  it('GssError carries unsigned major/minor and a stable code', () => {
    const e = new GssError(GSS_S_BAD_MECH, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY);
    assert.equal(e.code, 'GSS_S_BAD_MECH');
    assert.equal(e.minor, 2529638943);
    assert.equal(e.minorCode, 'KRB5KRB_AP_ERR_BAD_INTEGRITY');
    assert.ok(e instanceof Error);
  });

  it('names minor codes of the three com_err tables', () => {
    assert.equal(minorName(39756032 + 6), 'KG_BAD_LENGTH');
    assert.equal(minorName((-2045022976 + 12) >>> 0), 'G_BAD_TOK_HEADER');
    assert.equal(minorName((-1765328384 + 37) >>> 0), 'KRB5KRB_AP_ERR_SKEW');
    assert.equal(minorName(12345), '12345');
  });
});
