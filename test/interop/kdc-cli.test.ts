/**
 * `gss kdc` in the foreground: prints its port, writes the keytab and krb5.conf it is asked for,
 * keeps its database, serves MIT kinit/kvno and our own `gss kinit`, and exits 0 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ExecResult, interopSkip, MIT_BIN, track } from '../harness/realm.js';

const ENTRY = `const { main } = await import(${JSON.stringify(join(process.cwd(), 'src/cli/main.ts'))});
process.exitCode = await main(process.argv.slice(1));`;

function gssSpawn(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return track(
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    }),
  );
}

function collect(child: ChildProcess, input = ''): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    child.stdin?.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<ExecResult> {
  return collect(track(spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })), input);
}

describe('gss kdc', { skip: interopSkip() }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let kdc: ChildProcess;
  let done: Promise<ExecResult>;
  let port = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gssapi-ts-kdc-cli-'));
    env = { ...process.env, KRB5_CONFIG: join(dir, 'krb5.conf'), KRB5CCNAME: `FILE:${join(dir, 'cc')}` };
    delete env.KRB5_TRACE;
    kdc = gssSpawn(
      [
        'kdc',
        '--realm',
        'CLI.GSS',
        '--db',
        join(dir, 'kdc.json'),
        '--principal',
        'alice:alice-Cli-1',
        '--principal',
        'gsstest/localhost',
        '--keytab',
        join(dir, 'gsstest.keytab'),
        '--keytab-principal',
        'gsstest/localhost',
        '--krb5conf',
        join(dir, 'krb5.conf'),
      ],
      env,
    );
    let out = '';
    const ready = new Promise<void>((resolve, reject) => {
      kdc.stdout?.on('data', (d) => {
        out += String(d);
        const m = /port (\d+) \(udp, tcp\)/.exec(out);
        if (m) {
          port = Number(m[1]);
          resolve();
        }
      });
      kdc.once('exit', () => reject(new Error(`gss kdc exited: ${out}`)));
    });
    done = collect(kdc);
    await ready;
  });
  after(async () => {
    if (kdc?.exitCode === null) kdc.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints its port and writes krb5.conf, a 0600 keytab and a 0600 database', async () => {
    assert.ok(port > 0);
    assert.match(readFileSync(join(dir, 'krb5.conf'), 'utf8'), new RegExp(`kdc = 127\\.0\\.0\\.1:${port}`));
    assert.equal(statSync(join(dir, 'gsstest.keytab')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'kdc.json')).mode & 0o777, 0o600);
    const kt = await exec(MIT_BIN.klist, ['-k', '-e', join(dir, 'gsstest.keytab')], env);
    assert.equal(kt.code, 0, kt.stderr);
    assert.equal((kt.stdout.match(/gsstest\/localhost@CLI\.GSS/g) ?? []).length, 4);
  });

  it('serves MIT kinit and kvno', async () => {
    const k = await exec(MIT_BIN.kinit, ['alice'], env, 'alice-Cli-1\n');
    assert.equal(k.code, 0, k.stderr);
    const v = await exec(MIT_BIN.kvno, ['-k', join(dir, 'gsstest.keytab'), 'gsstest/localhost'], env);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /keytab entry valid/);
  });

  it('serves our own gss kinit, whose ccache MIT kvno then uses', async () => {
    const cc = `FILE:${join(dir, 'ours.cc')}`;
    const k = await collect(
      gssSpawn(['kinit', '--password-stdin', 'alice'], { ...env, KRB5CCNAME: cc }),
      'alice-Cli-1\n',
    );
    assert.equal(k.code, 0, k.stderr);
    const v = await exec(MIT_BIN.kvno, ['gsstest/localhost'], { ...env, KRB5CCNAME: cc });
    assert.equal(v.code, 0, v.stderr);
    const wrong = await collect(
      gssSpawn(['kinit', '--password-stdin', 'alice'], { ...env, KRB5CCNAME: cc }),
      'nope\n',
    );
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Password incorrect/);
  });

  it('exits 0 on SIGTERM', async () => {
    kdc.kill('SIGTERM');
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
  });
});
