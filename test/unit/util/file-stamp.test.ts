/** FileStamp: every kind of rewrite of krb5.conf or a keytab is seen at the next check. */
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileStamp } from '../../../src/util/file-stamp.js';

describe('FileStamp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'file-stamp-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('changed at the first check, then not until the file changes', () => {
    const f = join(dir, 'a.conf');
    writeFileSync(f, 'one');
    const s = new FileStamp(f);
    assert.equal(s.changed(), true);
    assert.equal(s.present, true);
    assert.equal(s.changed(), false);
    assert.equal(s.changed(), false);
    s.close();
  });

  it('sees a rewrite in place of the same size (mtime) and of another size', () => {
    const f = join(dir, 'b.conf');
    writeFileSync(f, 'one');
    const s = new FileStamp(f);
    s.changed();
    writeFileSync(f, 'two');
    utimesSync(f, new Date(), new Date(Date.now() + 5000)); // a later mtime, size unchanged
    assert.equal(s.changed(), true);
    assert.equal(s.changed(), false);
    writeFileSync(f, 'three');
    assert.equal(s.changed(), true);
    s.close();
  });

  it('sees a file replaced by rename even with the same size and mtime', () => {
    const f = join(dir, 'c.conf');
    const g = join(dir, 'c.new');
    writeFileSync(f, 'one');
    const s = new FileStamp(f);
    s.changed();
    writeFileSync(g, 'two');
    utimesSync(g, new Date(0), new Date(0));
    utimesSync(f, new Date(0), new Date(0));
    s.close();
    s.changed();
    renameSync(g, f);
    assert.equal(s.changed(), true);
    assert.equal(s.changed(), false);
    s.close();
  });

  it('sees deletion and re-creation; a file missing twice is unchanged', () => {
    const f = join(dir, 'd.conf');
    writeFileSync(f, 'one');
    const s = new FileStamp(f);
    s.changed();
    unlinkSync(f);
    assert.equal(s.changed(), true);
    assert.equal(s.present, false);
    assert.equal(s.changed(), false);
    writeFileSync(f, 'one');
    assert.equal(s.changed(), true);
    assert.equal(s.present, true);
    s.close();
  });
});
