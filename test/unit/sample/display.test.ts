/** MIT gss-sample's display helpers: display_status lines, print_token, the message display. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MINOR } from '../../../src/errors/minor.js';
import { GSS_S_BAD_SIG, GSS_S_DEFECTIVE_TOKEN, GssError } from '../../../src/errors/status.js';
import { displayStatusLines, printTokenLines } from '../../../src/sample/display.js';
import { showMessage } from '../../../src/sample/messages.js';

describe('gss-sample display', () => {
  it('display_status: one line for the major status, one for the minor (0 is "Unknown error")', () => {
    assert.deepEqual(displayStatusLines('accepting context', new GssError(GSS_S_DEFECTIVE_TOKEN, 0, 'x')), [
      'GSS-API error accepting context: Invalid token was supplied',
      'GSS-API error accepting context: Unknown error',
    ]);
    const lines = displayStatusLines(
      'unsealing message',
      new GssError(GSS_S_BAD_SIG, MINOR.KRB5KRB_AP_ERR_BAD_INTEGRITY, 'x'),
    );
    assert.equal(
      lines[0],
      'GSS-API error unsealing message: A token had an invalid Message Integrity Check (MIC)',
    );
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^GSS-API error unsealing message: .*integrity/i);
  });

  it('display_status of a non-GSS error is one line with its message', () => {
    assert.deepEqual(displayStatusLines('x', new Error('boom')), ['GSS-API error x: boom']);
  });

  it('print_token: "%02x " per byte, 16 per line, then a final line break', () => {
    assert.deepEqual(printTokenLines(new Uint8Array([1, 0xab])), ['01 ab ']);
    assert.deepEqual(printTokenLines(new Uint8Array(0)), ['']);
    const b = Uint8Array.from({ length: 16 }, (_, i) => i);
    assert.deepEqual(printTokenLines(b), ['00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ', '']);
  });

  it('a message is text when its first two bytes are printable or space, up to a NUL', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    assert.equal(showMessage(enc('hello')), '"hello"');
    assert.equal(showMessage(enc('\thi')), '"\thi"');
    assert.equal(showMessage(enc('hi\0there')), '"hi"');
    assert.equal(showMessage(new Uint8Array([0x68, 0x01, 0x02])), '68 01 02');
    assert.equal(showMessage(new Uint8Array([0x80, 0x68])), '80 68');
    assert.equal(showMessage(new Uint8Array([0x68])), '68');
  });
});
