// The wait for an identity's lock under the run's one deadline (src/cache/early-lock.ts), and the
// explicit hand-over value it returns: held / failed open / timed out, or the token a peer saved.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { waitForIdentityLock } from '../../../src/cache/early-lock';
import { acquireLock, lockFilePath } from '../../../src/cache/lock';
import { tokenFilePath } from '../../../src/cache/token-file';
import { createLogger } from '../../../src/platform/log';
import { makeTempDir } from '../../helpers/tmp';

const KEY = 'e'.repeat(40);

function opts(loginMethod = 'spn', deadlineInMs = 10_000, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const log = createLogger(0, (t) => void lines.push(t));
  return { lines, o: { env, deadline: Date.now() + deadlineInMs, loginMethod, log, now: Date.now } };
}

/** A live process standing in as the lock holder (a peer signing in). */
function liveHolder(dir: string) {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const file = lockFilePath(dir, KEY);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify({ pid: child.pid, host: hostname(), nonce: 'n'.repeat(24), started: Date.now() }), { mode: 0o600 });
  return { child, file, [Symbol.dispose]: () => child.kill('SIGKILL') };
}

describe('waitForIdentityLock', () => {
  it('with no peer: holds the lock and says so (for the full path to log in under it)', async () => {
    const dir = makeTempDir();
    const r = await waitForIdentityLock(dir, KEY, opts().o);
    assert.ok(r.state === 'held' && r.key === KEY);
    const file = lockFilePath(dir, KEY);
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).pid, process.pid);
    r.lock.release();
    assert.equal(fs.existsSync(file), false);
  });

  it('with a peer holding the lock: returns the token the peer saves, without taking the lock', async () => {
    const dir = makeTempDir();
    const peer = await acquireLock(dir, KEY, { signal: AbortSignal.timeout(5000), log: createLogger(0), ready: () => false });
    const tokenFile = tokenFilePath(dir, KEY);
    setTimeout(() => {
      fs.mkdirSync(path.dirname(tokenFile), { recursive: true });
      fs.writeFileSync(tokenFile, JSON.stringify({ v: 1, id: KEY, token: 'from-peer', expiresOn: Date.now() + 3600_000 }), { mode: 0o600 });
      peer.release();
    }, 150);
    const r = await waitForIdentityLock(dir, KEY, opts().o);
    assert.ok(r.state === 'ready');
    assert.equal(r.token?.token, 'from-peer');
    assert.equal(fs.existsSync(lockFilePath(dir, KEY)), false, 'nothing held');
  });

  it('spn, live holder: fails open after half the remaining time, with one warning', async () => {
    const dir = makeTempDir();
    using holder = liveHolder(dir);
    const { o, lines } = opts('spn', 800);
    const t0 = Date.now();
    const r = await waitForIdentityLock(dir, KEY, o);
    const took = Date.now() - t0;
    assert.ok(r.state === 'failed-open');
    assert.ok(took >= 350 && took < 700, `failed open after ${took} ms`);
    assert.equal(lines.length, 1, lines.join(''));
    assert.match(lines[0], new RegExp(`^warning: another kubelogin \\(pid ${holder.child.pid} on .*\\) has held the token cache lock`));
  });

  it('spn, live holder, deadline before the fail-open wait: timed out, with the message the run fails with', async () => {
    const dir = makeTempDir();
    using holder = liveHolder(dir);
    const { o, lines } = opts('spn', 300, { KUBELOGIN_LOCK_TIMEOUT_MS: '5000' });
    const t0 = Date.now();
    const r = await waitForIdentityLock(dir, KEY, o);
    assert.ok(Date.now() - t0 < 600, `took ${Date.now() - t0} ms`);
    assert.ok(r.state === 'timed-out');
    assert.match(r.message, new RegExp(`^get-token timed out waiting for another kubelogin \\(pid ${holder.child.pid} .*raise --timeout$`));
    assert.deepEqual(lines, []);
  });

  for (const login of ['devicecode', 'interactive']) {
    for (const env of [{}, { KUBELOGIN_LOCK_TIMEOUT_MS: '100' }] as Array<Record<string, string>>) {
      it(`${login}${Object.keys(env).length ? ' with a short KUBELOGIN_LOCK_TIMEOUT_MS' : ''}: never fails open past a holder that may be prompting`, async () => {
        const dir = makeTempDir();
        using holder = liveHolder(dir);
        const { o, lines } = opts(login, 400, env);
        const t0 = Date.now();
        const r = await waitForIdentityLock(dir, KEY, o);
        assert.ok(Date.now() - t0 < 700, `took ${Date.now() - t0} ms`);
        assert.ok(r.state === 'timed-out');
        assert.match(r.message, new RegExp(`^another kubelogin \\(pid ${holder.child.pid} on .*\\) is signing in to this identity; not starting a second sign-in`));
        assert.deepEqual(lines, [], 'no fail-open warning');
        assert.equal(JSON.parse(fs.readFileSync(holder.file, 'utf8')).pid, holder.child.pid, 'the holder keeps its lock');
      });
    }
  }
});
