// Taking the lock in the light bundle (src/cache/early-lock.ts) and handing it to the full path.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lockBeforeLogin } from '../../../src/cache/early-lock';
import { acquireLock, lockFilePath } from '../../../src/cache/lock';
import { tokenFilePath } from '../../../src/cache/token-file';
import { createLogger } from '../../../src/platform/log';
import { makeTempDir } from '../../helpers/tmp';

const KEY = 'e'.repeat(40);
const opts = (stderr: string[] = []) => ({ env: {}, timeoutMs: 10_000, loginMethod: 'spn', verbosity: 0, stderr: (t: string) => void stderr.push(t), now: Date.now });

describe('lockBeforeLogin', () => {
  it('with no peer: takes the lock and hands it to the next acquireLock in this process', async () => {
    const dir = makeTempDir();
    assert.equal(await lockBeforeLogin(dir, KEY, opts()), undefined);
    const file = lockFilePath(dir, KEY);
    const held = fs.readFileSync(file, 'utf8');
    assert.equal(JSON.parse(held).pid, process.pid);
    const t0 = Date.now();
    const lock = await acquireLock(dir, KEY, { signal: AbortSignal.timeout(5000), log: createLogger(0), ready: () => false });
    assert.ok(Date.now() - t0 < 50, 'picked up at once, not waited for');
    assert.equal(fs.readFileSync(file, 'utf8'), held, 'the same lock');
    lock.release();
    assert.equal(fs.existsSync(file), false);
    const again = await acquireLock(dir, KEY, { signal: AbortSignal.timeout(5000), log: createLogger(0), ready: () => false });
    assert.notEqual(fs.readFileSync(file, 'utf8'), held, 'handed over once only');
    again.release();
  });

  it('with a peer holding the lock: returns the token the peer saves, without taking the lock', async () => {
    const dir = makeTempDir();
    const peer = await acquireLock(dir, KEY, { signal: AbortSignal.timeout(5000), log: createLogger(0), ready: () => false });
    const tokenFile = tokenFilePath(dir, KEY);
    setTimeout(() => {
      fs.mkdirSync(path.dirname(tokenFile), { recursive: true });
      fs.writeFileSync(tokenFile, JSON.stringify({ v: 1, token: 'from-peer', expiresOn: Date.now() + 3600_000 }), { mode: 0o600 });
      peer.release();
    }, 150);
    const got = await lockBeforeLogin(dir, KEY, opts());
    assert.equal(got?.token, 'from-peer');
    assert.equal(fs.existsSync(lockFilePath(dir, KEY)), false, 'nothing held, nothing handed over');
  });
});
