import type { RecordFile } from '../../../src/krb5/rcache/file2.js';

/** A growable in-memory file. */
export function memFile(initial: Uint8Array = new Uint8Array(0)): RecordFile & { bytes(): Uint8Array } {
  let buf = initial.slice();
  return {
    read(pos, len) {
      return buf.slice(Math.min(pos, buf.length), Math.min(pos + len, buf.length));
    },
    write(pos, bytes) {
      if (pos + bytes.length > buf.length) {
        const n = new Uint8Array(pos + bytes.length);
        n.set(buf);
        buf = n;
      }
      buf.set(bytes, pos);
    },
    bytes: () => buf,
  };
}
