/**
 * displayStatus / minorMessage against MIT's own texts, obtained live: test/interop/c/display_status.c
 * is compiled against libgssapi_krb5 and asked for every code below (gss_display_status for GSS
 * codes, step by step with its message contexts; com_err's error_message for minor codes).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ASN1_BASE,
  ASN1_NAMES,
  G_BASE,
  G_NAMES,
  KG_BASE,
  KG_NAMES,
  KRB5_ERR_BASE,
  KRB5_ERR_NAMES,
  MINOR,
  type MinorName,
  minorMessage,
} from '../../src/errors/minor.js';
import { displayStatus } from '../../src/errors/status.js';
import { interopSkip } from '../harness/realm.js';

const SOURCE = join(import.meta.dirname, 'c', 'display_status.c');
const KRB5_H = '/usr/include/krb5/krb5.h';

function skip(): string | false {
  const mit = interopSkip();
  if (mit || process.env.CI) return mit;
  if (!existsSync('/usr/bin/gcc') || !existsSync(KRB5_H)) return 'gcc or libkrb5-dev is not installed';
  return false;
}

interface Step {
  code: number;
  ctxIn: number;
  ctxOut: number;
  message: string;
}

const calling = (n: number) => (n << 24) >>> 0;
const routine = (n: number) => (n << 16) >>> 0;

/** Every calling error, routine error and supplementary bit, the unknown ones and some mixes. */
function gssCodes(): number[] {
  const codes = [0];
  for (let c = 1; c <= 4; c++) codes.push(calling(c));
  codes.push(calling(255));
  for (let r = 1; r <= 20; r++) codes.push(routine(r));
  codes.push(routine(255));
  for (let b = 0; b < 16; b++) codes.push(1 << b);
  codes.push(
    calling(1) | routine(9),
    calling(3) | routine(13) | 0x1f,
    routine(6) | 0b10110,
    routine(9) | 0x8001,
    calling(2) | 0b1010,
    calling(7) | routine(30) | 0xffff,
    0x1f,
    0xffff,
    routine(13) | 1,
  );
  return codes.map((c) => c >>> 0);
}

/** Single steps from a given message context, including contexts MIT does not expect. */
const GSS_STEPS: readonly [number, number][] = [
  [routine(1), 1],
  [routine(1), 5],
  [routine(1) | 1, 2],
  [calling(1), 1],
  [0b1100, 8],
  [0b1100, 0x40000],
  [1, 1],
  [0, 7],
];

function minorCodes(): number[] {
  const codes = [0];
  for (let e = 1; e < 140; e++) codes.push(e);
  for (const [base, names] of [
    [KRB5_ERR_BASE, KRB5_ERR_NAMES],
    [KG_BASE, KG_NAMES],
    [G_BASE, G_NAMES],
    [ASN1_BASE, ASN1_NAMES],
  ] as const) {
    for (let i = 0; i < names.length + 3 && i < 256; i++) codes.push((base + i) >>> 0);
    codes.push((base + 255) >>> 0, (base + 256) >>> 0);
  }
  codes.push(0x01000000, 0xffffffff, 0x7fffffff, 2529639168);
  return codes;
}

describe('displayStatus against MIT gss_display_status', { skip: skip() }, () => {
  let dir: string;
  let bin: string;
  const run = (mode: 'gss' | 'mech', args: string[]): Step[] =>
    execFileSync(bin, [mode, ...args], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C', LANG: 'C', KRB5_CONFIG: '/dev/null' },
      maxBuffer: 1 << 24,
    })
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => {
        const [code, ctxIn, ctxOut, major, message] = l.split('\t');
        if (mode === 'gss') assert.equal(major, '0', `MIT failed on ${l}`);
        return { code: Number(code), ctxIn: Number(ctxIn), ctxOut: Number(ctxOut), message: message ?? '' };
      });

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gss-display-'));
    bin = join(dir, 'display_status');
    execFileSync('gcc', ['-O0', '-o', bin, SOURCE, '-lgssapi_krb5', '-lkrb5', '-lcom_err'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('yields MIT messages and message contexts for every GSS code, step by step', () => {
    const codes = gssCodes();
    const steps = run(
      'gss',
      codes.map((c) => String(c)),
    );
    assert.ok(steps.length > codes.length, 'MIT printed too few messages');
    for (const s of steps) {
      assert.deepEqual(
        displayStatus(s.code, 'gss', s.ctxIn),
        { message: s.message, messageContext: s.ctxOut },
        `code ${s.code} ctx ${s.ctxIn}`,
      );
    }
    // Every code was walked to its end: MIT's last context is 0 for each.
    assert.deepEqual(new Set(steps.map((s) => s.code)), new Set(codes));
    const last = new Map(steps.map((s) => [s.code, s.ctxOut]));
    for (const c of codes) assert.equal(last.get(c), 0, `code ${c} ends with context 0`);
  });

  it('follows MIT from unexpected message contexts', () => {
    const steps = run(
      'gss',
      GSS_STEPS.map(([c, x]) => `${c}@${x}`),
    );
    assert.equal(steps.length, GSS_STEPS.length);
    for (const s of steps) {
      assert.deepEqual(
        displayStatus(s.code, 'gss', s.ctxIn),
        { message: s.message, messageContext: s.ctxOut },
        `code ${s.code} ctx ${s.ctxIn}`,
      );
    }
  });

  it('yields com_err messages for minor codes of every table, unknown codes and errno values', () => {
    const codes = minorCodes();
    const steps = run(
      'mech',
      codes.map((c) => String(c)),
    );
    assert.equal(steps.length, codes.length);
    for (const s of steps) {
      assert.equal(displayStatus(s.code, 'mech').message, s.message, `minor ${s.code}`);
      if (s.code !== 0) assert.equal(minorMessage(s.code), s.message, `minor ${s.code}`);
    }
  });

  it('numbers krb5_err.et names as MIT krb5.h does', () => {
    const header = readFileSync(KRB5_H, 'utf8');
    let seen = 0;
    for (const m of header.matchAll(/^#define\s+(KRB5\w*)\s+\((-?\d+)L\)/gm)) {
      const name = m[1] as MinorName;
      if (!KRB5_ERR_NAMES.includes(name)) continue;
      assert.equal(MINOR[name], Number(m[2]) >>> 0, name);
      seen++;
    }
    assert.equal(seen, KRB5_ERR_NAMES.length, 'every krb5_err.et entry is in krb5.h');
  });
});
