/**
 * Our crypto and MIT's libk5crypto, both ways, on random inputs: MIT decrypts what we encrypt
 * and we decrypt what MIT encrypts (every enctype, lengths 0..70 and larger), keyed checksums,
 * PRF and string-to-key (random, non-ASCII passwords and salts) agree byte for byte, and MIT
 * rejects our ciphertexts when tampered as we reject its. A small C probe, compiled with gcc
 * into a temp dir, speaks a line protocol on stdin/stdout.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checksumTypeForEnctype,
  decrypt,
  encrypt,
  type Key,
  makeChecksum,
  prf,
  randomBytes,
  randomKey,
  stringToKey,
} from '../../src/crypto/index.js';
import { GssError } from '../../src/errors/status.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { interopSkip } from '../harness/realm.js';

const PROBE_C = String.raw`
#include <krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *unhex(const char *s, unsigned int *len) {
    size_t n = strcmp(s, "-") == 0 ? 0 : strlen(s) / 2;
    unsigned char *b = malloc(n + 1);
    for (size_t i = 0; i < n; i++) sscanf(s + 2 * i, "%2hhx", &b[i]);
    *len = (unsigned int)n;
    return b;
}
static void puthex(const void *p, size_t n) {
    const unsigned char *b = p;
    if (n == 0) putchar('-');
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    putchar('\n');
}

int main(void) {
    krb5_context ctx;
    char op[8], a[200000], b[200000];
    int e, t, u;
    if (krb5_init_context(&ctx)) return 1;
    while (scanf("%7s", op) == 1) {
        krb5_keyblock kb;
        krb5_data in;
        krb5_error_code ret = 0;
        if (strcmp(op, "enc") == 0 || strcmp(op, "dec") == 0 || strcmp(op, "mic") == 0) {
            if (strcmp(op, "mic") == 0) {
                if (scanf("%d %d %d %s %s", &e, &t, &u, a, b) != 5) return 2;
            } else if (scanf("%d %d %s %s", &e, &u, a, b) != 4) return 2;
            kb.enctype = e;
            kb.contents = unhex(a, &kb.length);
            in.data = (char *)unhex(b, &in.length);
            if (strcmp(op, "enc") == 0) {
                size_t clen;
                krb5_enc_data out;
                krb5_c_encrypt_length(ctx, e, in.length, &clen);
                out.ciphertext.data = malloc(clen);
                out.ciphertext.length = clen;
                ret = krb5_c_encrypt(ctx, &kb, u, NULL, &in, &out);
                if (!ret) puthex(out.ciphertext.data, out.ciphertext.length);
                free(out.ciphertext.data);
            } else if (strcmp(op, "dec") == 0) {
                krb5_enc_data ed;
                krb5_data out;
                ed.enctype = e;
                ed.kvno = 0;
                ed.ciphertext = in;
                out.data = malloc(in.length + 1);
                out.length = in.length;
                ret = krb5_c_decrypt(ctx, &kb, u, NULL, &ed, &out);
                if (!ret) puthex(out.data, out.length);
                free(out.data);
            } else {
                krb5_checksum ck;
                ret = krb5_c_make_checksum(ctx, t, &kb, u, &in, &ck);
                if (!ret) puthex(ck.contents, ck.length);
                if (!ret) krb5_free_checksum_contents(ctx, &ck);
            }
            free(kb.contents);
            free(in.data);
        } else if (strcmp(op, "prf") == 0) {
            size_t plen;
            krb5_data out;
            if (scanf("%d %s %s", &e, a, b) != 3) return 2;
            kb.enctype = e;
            kb.contents = unhex(a, &kb.length);
            in.data = (char *)unhex(b, &in.length);
            krb5_c_prf_length(ctx, e, &plen);
            out.data = malloc(plen);
            out.length = plen;
            ret = krb5_c_prf(ctx, &kb, &in, &out);
            if (!ret) puthex(out.data, out.length);
            free(out.data);
            free(kb.contents);
            free(in.data);
        } else if (strcmp(op, "s2k") == 0) {
            char c[64];
            krb5_data pw, salt, params;
            unsigned int n;
            if (scanf("%d %s %s %63s", &e, a, b, c) != 4) return 2;
            pw.data = (char *)unhex(a, &n);
            pw.length = n;
            salt.data = (char *)unhex(b, &n);
            salt.length = n;
            params.data = (char *)unhex(c, &n);
            params.length = n;
            ret = krb5_c_string_to_key_with_params(ctx, e, &pw, &salt, n ? &params : NULL, &kb);
            if (!ret) puthex(kb.contents, kb.length);
            if (!ret) krb5_free_keyblock_contents(ctx, &kb);
            free(pw.data);
            free(salt.data);
            free(params.data);
        } else {
            return 2;
        }
        if (ret) printf("ERR %ld\n", (long)ret);
        fflush(stdout);
    }
    krb5_free_context(ctx);
    return 0;
}
`;

const ENCTYPES = [17, 18, 19, 20];
const hex = (b: Uint8Array) => (b.length ? toHex(b) : '-');

function probeSkip(): string | false {
  const s = interopSkip();
  if (s) return s;
  if (!process.env.CI && !existsSync('/usr/include/krb5.h')) return 'libkrb5-dev headers are not installed';
  return false;
}

describe("our crypto against MIT's libk5crypto", { skip: probeSkip() }, () => {
  let dir: string;
  let exe: string;
  /** Runs a batch of probe requests in one process; returns one answer line per request. */
  const probe = (lines: string[]): string[] => {
    const r = spawnSync(exe, [], { input: `${lines.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n');
    assert.equal(out.length, lines.length);
    return out;
  };
  const bytesOf = (line: string) => (line === '-' ? new Uint8Array(0) : fromHex(line));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-k5crypto-'));
    writeFileSync(join(dir, 'probe.c'), PROBE_C);
    exe = join(dir, 'probe');
    execFileSync('gcc', ['-O1', '-o', exe, join(dir, 'probe.c'), '-lkrb5', '-lk5crypto', '-lcom_err']);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sizes = [...Array.from({ length: 71 }, (_, i) => i), 255, 1000, 4096, 65537];

  it('MIT decrypts what we encrypt, for every enctype and length', () => {
    const cases: { key: Key; usage: number; pt: Uint8Array; ct: Uint8Array }[] = [];
    for (const e of ENCTYPES) {
      // One key per enctype: its running CBC contexts carry over from message to message.
      const key = randomKey(e);
      for (const n of sizes) {
        const usage = 1 + (n % 3);
        const pt = randomBytes(n);
        cases.push({ key, usage, pt, ct: encrypt(key, usage, pt) });
      }
    }
    const out = probe(
      cases.map((c) => `dec ${c.key.enctype} ${c.usage} ${toHex(c.key.keyvalue)} ${hex(c.ct)}`),
    );
    cases.forEach((c, i) => {
      assert.equal(out[i], hex(c.pt), `enctype ${c.key.enctype}, ${c.pt.length} bytes`);
    });
  });

  it('we decrypt what MIT encrypts, for every enctype and length', () => {
    const cases: { key: Key; usage: number; pt: Uint8Array }[] = [];
    for (const e of ENCTYPES) {
      const key = randomKey(e);
      for (const n of sizes) cases.push({ key, usage: 1 + (n % 3), pt: randomBytes(n) });
    }
    const out = probe(
      cases.map((c) => `enc ${c.key.enctype} ${c.usage} ${toHex(c.key.keyvalue)} ${hex(c.pt)}`),
    );
    cases.forEach((c, i) => {
      assert.deepEqual(decrypt(c.key, c.usage, bytesOf(out[i])), c.pt);
    });
  });

  it('both sides reject the same tampered ciphertexts', () => {
    const lines: string[] = [];
    for (const e of ENCTYPES) {
      const key = randomKey(e);
      const ct = encrypt(key, 3, randomBytes(21));
      for (let i = 0; i < ct.length; i += 3) {
        const t = ct.slice();
        t[i] ^= 0x20;
        assert.throws(() => decrypt(key, 3, t), GssError);
        lines.push(`dec ${e} 3 ${toHex(key.keyvalue)} ${toHex(t)}`);
      }
      lines.push(`dec ${e} 3 ${toHex(key.keyvalue)} ${toHex(ct.subarray(0, ct.length - 1))}`);
    }
    for (const line of probe(lines)) assert.match(line, /^ERR /);
  });

  it('keyed checksums and PRF outputs agree', () => {
    const lines: string[] = [];
    const want: string[] = [];
    for (const e of ENCTYPES) {
      for (const n of [0, 1, 16, 17, 100, 5000]) {
        const key = randomKey(e);
        const data = randomBytes(n);
        lines.push(`mic ${e} ${checksumTypeForEnctype(e)} ${n + 1} ${toHex(key.keyvalue)} ${hex(data)}`);
        want.push(hex(makeChecksum(key, n + 1, data)));
        lines.push(`prf ${e} ${toHex(key.keyvalue)} ${hex(data)}`);
        want.push(hex(prf(key, data)));
      }
    }
    assert.deepEqual(probe(lines), want);
  });

  it('string-to-key agrees on random passwords and salts, with and without s2kparams', () => {
    const lines: string[] = [];
    const want: string[] = [];
    const texts = ['pässwörd-€', '\u{1D11E}', 'a', `${'X'.repeat(100)}`, 'pass word'];
    for (const e of ENCTYPES) {
      texts.forEach((pw, i) => {
        const salt = i % 2 ? randomBytes(i * 7) : new TextEncoder().encode(`TEST.GSS${pw}`);
        const params = i === 2 ? Uint8Array.of(0, 0, 0x90, 0) : undefined; // 36864 iterations
        const pwBytes = new TextEncoder().encode(pw);
        lines.push(`s2k ${e} ${hex(pwBytes)} ${hex(salt)} ${params ? toHex(params) : '-'}`);
        want.push(toHex(stringToKey(e, pw, salt, params).keyvalue));
      });
    }
    assert.deepEqual(probe(lines), want);
  });
});
