import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

describe('gss demo (npm start)', () => {
  it('runs the seed scenario end to end, exits 0 and leaves nothing running', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/gss.ts', 'demo'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, KRB5_CONFIG: '/nonexistent', KRB5CCNAME: 'FILE:/nonexistent', KRB5_TRACE: '' },
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const out = r.stdout;
    const listener = /listener pid (\d+), workers (\d+) and (\d+)/.exec(out);
    assert.ok(listener, out);
    const [, listenerPid, w1, w2] = listener;
    assert.notEqual(w1, w2);
    for (let i = 1; i <= 4; i++)
      assert.match(out, new RegExp(`client ${i}: context established with gsstest/localhost@DEMO\\.GSS`));
    const served = [
      ...out.matchAll(
        /worker pid (\d+) imported it and served 2 messages \(2 encrypted\), returning 2 MICs; the client verified 2/g,
      ),
    ];
    assert.equal(served.length, 4, out);
    const workerPids = new Set(served.map((m) => m[1]));
    assert.deepEqual([...workerPids].sort(), [w1, w2].sort(), 'both workers served connections');
    assert.ok(!workerPids.has(listenerPid), 'the listener never serves messages itself');
    assert.equal([...out.matchAll(/the exporter's handle now refuses use: GSS_S_NO_CONTEXT/g)].length, 4);
    assert.match(out, /exported the context: \d+-byte sealed token/);
    // The demo must not hang on a leftover worker or server: spawnSync returned, so every process
    // it started has exited or detached; check the workers are gone.
    for (const pid of [w1, w2]) {
      assert.throws(() => process.kill(Number(pid), 0), /ESRCH/, `worker ${pid} still running`);
    }
    assert.ok(Date.now() - started < 30_000, 'the demo takes a few seconds at most');
  });
});
