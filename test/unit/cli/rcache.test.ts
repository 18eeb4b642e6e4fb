/**
 * `gss server --rcache` names (src/cli/rcache.ts): MIT's names resolve as the library does, a
 * Redis URL comes from the option or KRB5RCACHENAME, and a missing `redis` package (an optional
 * peer) is a clear message, not a stack trace.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MissingPeerError,
  openReplayCache,
  replayCacheFailure,
  replayCacheName,
} from '../../../src/cli/rcache.js';
import { MINOR } from '../../../src/errors/minor.js';
import { GssError } from '../../../src/errors/status.js';
import { FileReplayCache } from '../../../src/krb5/rcache/file.js';

describe('gss server --rcache', () => {
  it('takes the option, else a Redis URL in KRB5RCACHENAME, else leaves it to the library', () => {
    assert.equal(replayCacheName('none:', { KRB5RCACHENAME: 'redis://x' }), 'none:');
    assert.equal(replayCacheName(undefined, { KRB5RCACHENAME: 'rediss://h:6380/1' }), 'rediss://h:6380/1');
    assert.equal(replayCacheName(undefined, { KRB5RCACHENAME: 'file2:/x' }), undefined);
    assert.equal(replayCacheName(undefined, {}), undefined);
  });

  it("opens MIT's names and refuses unknown types with MIT's code", async () => {
    const f = await openReplayCache('file2:/tmp/gssapi-ts-cli-rcache-test', () => undefined);
    assert.ok(f.cache instanceof FileReplayCache);
    f.close();
    const none = await openReplayCache('none:', () => undefined);
    assert.equal(none.cache.checkAndStore(new Uint8Array(12), 1, 0), true);
    await assert.rejects(
      openReplayCache('FILE:/x', () => undefined),
      (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5_RC_TYPE_NOTFOUND,
    );
  });

  it('says which package to install when redis is absent', async () => {
    const absent = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'redis'"), { code: 'ERR_MODULE_NOT_FOUND' }),
      );
    const e = await openReplayCache('redis://127.0.0.1:1/0', () => undefined, { importer: absent }).catch(
      (x: unknown) => x,
    );
    assert.ok(e instanceof MissingPeerError);
    assert.equal(
      replayCacheFailure('redis://127.0.0.1:1/0', e),
      "a Redis replay cache needs the npm package 'redis' (node-redis 4.6+), an optional peer dependency of gssapi-ts: npm install redis",
    );
    assert.equal(replayCacheFailure('x', new Error('other')), undefined, 'anything else is a bug');
  });

  it('starts with Redis down, hiding the password, and fails closed until it is up', async () => {
    const lines: string[] = [];
    const rc = await openReplayCache('redis://u:secret@127.0.0.1:1/0', (l) => lines.push(l), {
      connectMs: 300,
    });
    try {
      assert.equal(rc.description, 'redis://u:***@127.0.0.1:1/0');
      assert.ok(
        lines.some((l) => /not reachable yet; accepts fail closed/.test(l)),
        lines.join('\n'),
      );
      assert.ok(lines.every((l) => !l.includes('secret')));
      await assert.rejects(
        Promise.resolve(rc.cache.checkAndStore(new Uint8Array(12), Date.now() + 1000, Date.now())),
        (e: unknown) => e instanceof GssError && e.minor === MINOR.KRB5_RC_IO,
      );
    } finally {
      rc.close();
    }
  });
});
