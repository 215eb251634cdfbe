// The per-identity lock (src/cache/lock.ts) in one process plus real child processes as holders:
// acquire/release, breaking abandoned locks (dead pid, garbage, future mtime, silent foreign host),
// waiting on a live holder, fail-open, ready() and the --timeout signal. Waits run on a virtual clock
// (test/helpers/clock.ts): bounds are virtual milliseconds and poll counts, never the machine's speed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { acquireLock, lockFilePath, lockTimeoutMs } from '../../../src/cache/lock';
import { modeFor } from '../../../src/login/select';
import { createLogger } from '../../../src/platform/log';
import { until, virtualClock } from '../../helpers/clock';
import { makeTempDir } from '../../helpers/tmp';

function logger() {
  const lines: string[] = [];
  return { log: createLogger(9, (l) => lines.push(l)), lines };
}

const never = () => false;
const KEY = 'k'.repeat(40);

function writeLock(dir: string, content: string, mtime?: Date): string {
  const file = lockFilePath(dir, KEY);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, content);
  if (mtime) fs.utimesSync(file, mtime, mtime);
  return file;
}

/** A process that exists (and so holds its lock) until killed. */
function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

const info = (pid: number, host = hostname()) => JSON.stringify({ pid, host, nonce: 'n'.repeat(24), started: Date.now() });

describe('acquireLock', () => {
  it('creates a complete lock file naming this process and removes it on release', async () => {
    const dir = makeTempDir();
    const { log } = logger();
    const lock = await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never });
    const file = lockFilePath(dir, KEY);
    const held = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(held.pid, process.pid);
    assert.equal(held.host, hostname());
    assert.match(held.nonce, /^[0-9a-z]+\.[0-9a-z]{8,}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    lock.release();
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [], 'no temp files left');
  });

  it('serialises two holders in one process: the second gets the lock only after release', async () => {
    const dir = makeTempDir();
    const { log } = logger();
    const first = await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never });
    let secondDone = false;
    const clock = virtualClock();
    const second = acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never, clock })
      .then((l) => ((secondDone = true), l));
    await until(() => clock.sleeps >= 10);
    assert.equal(secondDone, false, 'second waits while the first holds');
    first.release();
    const lock = await second;
    assert.equal(JSON.parse(fs.readFileSync(lockFilePath(dir, KEY), 'utf8')).pid, process.pid);
    lock.release();
  });

  it('does not delete a lock that another holder has taken over', async () => {
    const dir = makeTempDir();
    const { log } = logger();
    const lock = await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never });
    const other = info(process.pid);
    const file = writeLock(dir, other);
    lock.release();
    assert.equal(fs.readFileSync(file, 'utf8'), other, 'the other holder keeps its lock');
  });

  // maxMs/minMs: virtual milliseconds waited before the lock was broken (0: on the first look).
  const broken: Array<{ name: string; content: () => Promise<string>; mtime?: () => Date; maxMs: number; minMs?: number }> = [
    { name: 'a dead pid on this host, at once', content: async () => info(await deadPid()), maxMs: 0 },
    {
      name: 'a dead pid with an mtime an hour in the future (clock skew), at once',
      content: async () => info(await deadPid()), mtime: () => new Date(Date.now() + 3600_000), maxMs: 0,
    },
    { name: 'garbage, after the short grace', content: async () => 'not json at all', mtime: () => new Date(), minMs: 700, maxMs: 1200 },
    { name: 'an empty file, after the short grace', content: async () => '', mtime: () => new Date(), minMs: 700, maxMs: 1200 },
    {
      name: 'garbage with an mtime in the future, after the grace on our own clock',
      content: async () => '{"pid":', mtime: () => new Date(Date.now() + 3600_000), minMs: 1000, maxMs: 1200,
    },
    { name: 'an old empty file, at once', content: async () => '', mtime: () => new Date(Date.now() - 60_000), maxMs: 0 },
    {
      name: 'another host whose holder stopped touching it, by age',
      content: async () => info(4242, 'some-other-host'), mtime: () => new Date(Date.now() - 60_000), maxMs: 0,
    },
  ];
  for (const c of broken) {
    it(`breaks the lock of ${c.name}`, async () => {
      const dir = makeTempDir();
      const { log, lines } = logger();
      writeLock(dir, await c.content(), c.mtime?.());
      const clock = virtualClock();
      const lock = await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never, timeoutMs: 8000, clock });
      const took = clock.elapsed();
      assert.equal(JSON.parse(fs.readFileSync(lockFilePath(dir, KEY), 'utf8')).pid, process.pid, 'we hold it now');
      assert.ok(took <= c.maxMs, `took ${took} ms (${clock.sleeps} polls)`);
      if (c.minMs) assert.ok(took >= c.minMs, `broke after ${took} ms, before the grace`);
      assert.ok(lines.some((l) => l.includes('broke the lock')), lines.join(''));
      lock.release();
      assert.deepEqual(fs.readdirSync(path.join(dir, 'locks')), [], 'nothing left aside');
    });
  }

  it('waits for a live holder and fails open after the timeout with one warning', async () => {
    const dir = makeTempDir();
    const child = sleeper();
    try {
      writeLock(dir, info(child.pid!));
      const { log, lines } = logger();
      const clock = virtualClock();
      const lock = await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never, timeoutMs: 600, clock });
      const took = clock.elapsed();
      assert.ok(took >= 600 && took < 750, `failed open after ${took} ms`);
      assert.equal(lines.filter((l) => l.startsWith('warning: ')).length, 1, lines.join(''));
      assert.match(lines.find((l) => l.startsWith('warning: '))!, /another kubelogin \(pid \d+ on .*\) has held the token cache lock/);
      assert.equal(JSON.parse(fs.readFileSync(lockFilePath(dir, KEY), 'utf8')).pid, child.pid, 'the live holder keeps its lock');
      lock.release();
      assert.ok(fs.existsSync(lockFilePath(dir, KEY)), 'releasing a failed-open lock leaves the holder alone');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('keeps waiting for a live holder whose lock has a future mtime (a live pid is never broken for skew alone)', async () => {
    const dir = makeTempDir();
    const child = sleeper();
    try {
      writeLock(dir, info(child.pid!), new Date(Date.now() + 3600_000));
      const { log, lines } = logger();
      await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never, timeoutMs: 1500, clock: virtualClock() });
      assert.ok(!lines.some((l) => l.includes('broke the lock')), lines.join(''));
      assert.equal(JSON.parse(fs.readFileSync(lockFilePath(dir, KEY), 'utf8')).pid, child.pid);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stops waiting as soon as ready() says another process filled the cache', async () => {
    const dir = makeTempDir();
    const child = sleeper();
    try {
      writeLock(dir, info(child.pid!));
      const { log, lines } = logger();
      const clock = virtualClock();
      const ready = () => clock.elapsed() >= 200;
      await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready, timeoutMs: 5000, clock });
      const took = clock.elapsed();
      assert.ok(took >= 200 && took < 350, `returned after ${took} ms`);
      assert.equal(lines.filter((l) => l.startsWith('warning: ')).length, 0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('throws a TimeoutError when the --timeout signal fires while waiting', async () => {
    const dir = makeTempDir();
    const child = sleeper();
    try {
      writeLock(dir, info(child.pid!));
      const { log } = logger();
      // --timeout runs out at virtual 300 ms, well before the 5 s fail-open.
      const timeout = new AbortController();
      const clock = virtualClock((c) => c.elapsed() >= 300 && timeout.abort());
      const waiting = acquireLock(dir, KEY, { signal: timeout.signal, log, ready: never, timeoutMs: 5000, clock });
      await assert.rejects(waiting, (err: Error) => {
        assert.equal(err.name, 'TimeoutError');
        assert.match(err.message, /raise --timeout/);
        return true;
      });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('fails open at once, without a warning, when the cache folder cannot hold a lock', async () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, 'locks'), 'a file where the locks folder belongs');
    const { log, lines } = logger();
    const lock = await acquireLock(dir, KEY, { signal: new AbortController().signal, log, ready: never });
    lock.release();
    assert.ok(lines.some((l) => l.includes('continuing without the lock')));
    assert.equal(lines.filter((l) => l.startsWith('warning: ')).length, 0);
  });
});

describe('lockTimeoutMs', () => {
  const cases: Array<[string, Record<string, string>, number, string, number]> = [
    ['half of --timeout', {}, 20_000, 'spn', 10_000],
    ['capped at 30 s', {}, 600_000, 'msi', 30_000],
    ['KUBELOGIN_LOCK_TIMEOUT_MS wins', { KUBELOGIN_LOCK_TIMEOUT_MS: '1500' }, 60_000, 'spn', 1500],
    ['a bad KUBELOGIN_LOCK_TIMEOUT_MS is ignored', { KUBELOGIN_LOCK_TIMEOUT_MS: 'soon' }, 60_000, 'spn', 30_000],
    ['devicecode: wait the whole --timeout for the person signing in', {}, 600_000, 'devicecode', 600_000],
    ['interactive: likewise', {}, 90_000, 'interactive', 90_000],
    ['KUBELOGIN_LOCK_TIMEOUT_MS wins for devicecode too', { KUBELOGIN_LOCK_TIMEOUT_MS: '1500' }, 60_000, 'devicecode', 1500],
  ];
  for (const [name, env, overall, login, want] of cases) {
    it(name, () => assert.equal(lockTimeoutMs(env, overall, modeFor(login).mayPrompt), want));
  }
});
