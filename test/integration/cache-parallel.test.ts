// Many kubectl commands at once, and lock holders that die or hang: bin/kubelogin get-token --login spn
// against the emulator. One identity → one token request; a dead holder is broken on the first look;
// a hung holder makes waiters fail open; signals leave no lock behind. No wall-clock bounds: polls
// and emulator requests are counted (this runs on busy CI machines). Emulator settings are restored
// in finally (withSettings).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, tokenOf } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { withSettings } from '../helpers/emulator-settings';
import { collect, spawnKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'api://parallel-cluster';
const TENANT = 'tenant-parallel';
const APPS = [
  { clientId: 'app-parallel-1', secret: 'secret-parallel-one-0123456789' },
  { clientId: 'app-parallel-2', secret: 'secret-parallel-two-0123456789' },
];

describe('get-token under contention', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    for (const app of APPS) emu.addApp({ ...app, tenantId: TENANT });
  });
  after(() => emu.close());

  function start(cacheDir: string, app = APPS[0], extraEnv: Record<string, string> = {}, extraArgs: string[] = []) {
    return spawnKubelogin(
      ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', app.clientId, '--tenant-id', TENANT, '--client-secret', app.secret,
        '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, ...extraArgs],
      { env: { ...emulatorEnv(emu), ...extraEnv } },
    );
  }
  const lockFiles = (cacheDir: string) => (fs.existsSync(path.join(cacheDir, 'locks')) ? fs.readdirSync(path.join(cacheDir, 'locks')) : []);

  it('32 parallel cold runs of one identity make exactly 1 token request and all print the same token', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    const results = await withSettings(emu, { delayMs: 300 }, () =>
      Promise.all(Array.from({ length: 32 }, () => collect(start(cacheDir)))));
    const tokens = results.map(tokenOf);
    assert.equal(emu.count({ endpoint: 'token' }), 1);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(results.filter((r) => r.stderr !== '').length, 0, results.map((r) => r.stderr).join(''));
    assert.deepEqual(lockFiles(cacheDir), []);
  });

  it('16 + 16 parallel runs of two identities make exactly 2 requests, each run getting its own app\'s token', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    const done = await withSettings(emu, { delayMs: 200 }, () => {
      const runs = Array.from({ length: 32 }, (_, i) => ({ app: APPS[i % 2], result: collect(start(cacheDir, APPS[i % 2])) }));
      return Promise.all(runs.map(async (r) => ({ app: r.app, token: tokenOf(await r.result) })));
    });
    assert.equal(emu.count({ endpoint: 'token' }), 2);
    assert.equal(emu.count({ endpoint: 'token', clientId: APPS[0].clientId }), 1);
    for (const { app, token } of done) assert.equal(claimsOf(token).appid, app.clientId);
  });

  it('kill -9 of the lock holder mid-request: the next run breaks the lock on its first look, with 1 new request', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    await withSettings(emu, { delayMs: 10_000 }, async () => {
      const holder = start(cacheDir);
      const holderDone = collect(holder);
      await waitFor(() => lockFiles(cacheDir).some((f) => f.endsWith('.lock')), 5000);
      await new Promise((r) => setTimeout(r, 300));
      holder.kill('SIGKILL');
      await holderDone;
    });
    assert.ok(lockFiles(cacheDir).some((f) => f.endsWith('.lock')), 'the killed holder left its lock');
    const before = emu.count({ endpoint: 'token' });
    const r = await collect(start(cacheDir, APPS[0], {}, ['-v', '7']));
    tokenOf(r);
    assert.match(r.stderr, /broke the lock of dead pid \d+/);
    // "at once": the dead holder's lock is broken before any wait (each wait logs at -v 7).
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('cache: waiting for')).length, 0, r.stderr);
    assert.equal(emu.count({ endpoint: 'token' }) - before, 1);
  });

  it('a hung (SIGSTOPped) holder: waiters fail open after KUBELOGIN_LOCK_TIMEOUT_MS with one warning and still print a token', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    const holder = start(cacheDir);
    const holderDone = collect(holder);
    try {
      await withSettings(emu, { delayMs: 1000 }, () => waitFor(() => lockFiles(cacheDir).some((f) => f.endsWith('.lock')), 5000));
      holder.kill('SIGSTOP');
      const before = emu.count({ endpoint: 'token' });
      const waiters = await Promise.all([1, 2, 3].map(() => collect(start(cacheDir, APPS[0], { KUBELOGIN_LOCK_TIMEOUT_MS: '1000' }))));
      for (const w of waiters) {
        tokenOf(w);
        const warnings = w.stderr.split('\n').filter((l) => l.startsWith('warning: '));
        // A waiter that arrived after another's token was saved is served from it, silently.
        assert.ok(warnings.length <= 1, w.stderr);
        if (warnings.length) {
          assert.match(warnings[0], /another kubelogin \(pid \d+ on .*\) has held the token cache lock for 1s; continuing without it/);
        }
      }
      assert.ok(waiters.some((w) => w.stderr.includes('continuing without it')), 'at least one failed open');
      // Each waiter asks at most once: failing open costs requests, never a storm.
      const asked = emu.count({ endpoint: 'token' }) - before;
      assert.ok(asked >= 1 && asked <= 3, `${asked} token requests`);
    } finally {
      holder.kill('SIGCONT');
      holder.kill('SIGKILL');
      await holderDone;
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} while holding the lock: exit 1 before the token request is answered, the lock file is removed`, async () => {
      emu.reset();
      const cacheDir = makeTempDir();
      const r = await withSettings(emu, { delayMs: 10_000 }, async () => {
        const holder = start(cacheDir);
        const done = collect(holder);
        await waitFor(() => lockFiles(cacheDir).some((f) => f.endsWith('.lock')), 5000);
        await new Promise((r) => setTimeout(r, 200));
        holder.kill(signal);
        const result = await done;
        // "promptly": it exited while the emulator still held its request (answers are recorded when sent).
        assert.equal(emu.count({ endpoint: 'token' }), 0, 'exited before the delayed answer');
        return result;
      });
      assert.equal(r.code, 1);
      assert.deepEqual(lockFiles(cacheDir), [], 'no lock or temp file left');
    });
  }

  it('SIGTERM while waiting for another holder: prompt exit, the holder\'s lock untouched', async () => {
    emu.reset();
    const cacheDir = makeTempDir();
    await withSettings(emu, { delayMs: 2000 }, async () => {
      const holderDone = collect(start(cacheDir));
      await waitFor(() => lockFiles(cacheDir).some((f) => f.endsWith('.lock')), 5000);
      const lockName = lockFiles(cacheDir).find((f) => f.endsWith('.lock'))!;
      const before = fs.readFileSync(path.join(cacheDir, 'locks', lockName), 'utf8');
      const waiter = start(cacheDir);
      const waiterDone = collect(waiter);
      await new Promise((r) => setTimeout(r, 400));
      waiter.kill('SIGTERM');
      const w = await waiterDone;
      assert.equal(w.code, 1);
      assert.equal(fs.readFileSync(path.join(cacheDir, 'locks', lockName), 'utf8'), before);
      tokenOf(await holderDone);
    });
  });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
