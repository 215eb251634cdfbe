// Cross-process lock per identity around the cache-miss path, so 32 parallel kubectl commands make
// one token request. A lock file is created complete (tmp file + link()), holds {pid, host, nonce,
// started}, and is broken when its holder is provably gone: a dead pid on this host at once, an
// unreadable lock after a short grace, anything else once its mtime (refreshed by the holder) stops
// moving. Waiters watch the token file and fail open after a timeout: an extra token request beats a
// failed kubectl. Protocol and measurements: docs/cache.md.
import { linkSync, renameSync, unlinkSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { ENV, type Env } from '../cli/env';
import { TimeoutError } from '../errors';
import { systemClock, type Clock } from '../platform/clock';
import { ensurePrivateDir, uniqueSuffix } from '../platform/files';
import type { Logger } from '../platform/log';
import { HEARTBEAT_MS, isAlive, lockFilePath, parseLockInfo, readLockText, STALE_MS, type LockInfo } from './lock-file';

export { lockFilePath } from './lock-file';

/** node:os loads only when a lock is taken (never on a cache hit). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hostname = (): string => (require('node:os') as typeof import('node:os')).hostname();

export interface Lock {
  release(): void;
}

export interface LockOptions {
  signal: AbortSignal;
  log: Logger;
  /** Polled while waiting: true when another process has produced what we need. */
  ready: () => boolean;
  /** Fail open after waiting this long (default: lockTimeoutMs()). */
  timeoutMs?: number;
  /** What the wait reads and sleeps on (tests: a virtual clock). */
  clock?: Clock;
}

/** Overrides the fail-open wait (milliseconds); tests use it for hung holders. */
export const LOCK_TIMEOUT_ENV = ENV.lockTimeout;
const DEFAULT_LOCK_TIMEOUT_MS = 30_000;
/** An unreadable lock (not written by this protocol, or a torn copy) is broken after this. */
const GARBAGE_GRACE_MS = 1_000;
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 100;

export const NO_LOCK: Lock = { release() {} };

/**
 * The env override, else half of --timeout capped at 30 s, so a failed-open run still has time to log
 * in. When the holder may be waiting for a person (device code, browser), waiters wait the whole
 * --timeout instead: failing open there would put a second sign-in prompt in front of the user.
 */
export function lockTimeoutMs(env: Env, overallTimeoutMs: number, holderMayPrompt = false): number {
  const fromEnv = Number(env[LOCK_TIMEOUT_ENV]);
  if (env[LOCK_TIMEOUT_ENV] && Number.isFinite(fromEnv) && fromEnv >= 0) return fromEnv;
  if (holderMayPrompt) return overallTimeoutMs;
  return Math.min(DEFAULT_LOCK_TIMEOUT_MS, Math.floor(overallTimeoutMs / 2));
}

/** How a wait for a lock ended; acquireLock folds it into a Lock, the get-token hand-over keeps it. */
export type WaitResult =
  | { state: 'held'; lock: Lock }
  /** `ready()` said another process produced what we need. */
  | { state: 'ready' }
  /** This folder cannot hold a lock (read-only, full): go on without one. */
  | { state: 'unlocked' }
  /** A live holder kept it for `timeoutMs`. */
  | { state: 'failed-open'; holder: string; waitedMs: number }
  /** The signal (the --timeout deadline) fired first. */
  | { state: 'timed-out'; holder: string };

/** Waits for the lock (or ready()) and says how the wait ended; never throws for a busy or unusable lock. */
export async function waitForLock(cacheDir: string, key: string, opts: LockOptions): Promise<WaitResult> {
  const { log, signal } = opts;
  const clock = opts.clock ?? systemClock;
  const file = lockFilePath(cacheDir, key);
  const me: LockInfo = { pid: process.pid, host: hostname(), nonce: uniqueSuffix(), started: clock.now() };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const waitStart = clock.now();
  const seen = new Map<string, number>();
  let delay = POLL_FIRST_MS;
  try {
    ensurePrivateDir(dirname(file));
  } catch (err) {
    log.v(1, `cache: cannot lock ${file} (${(err as Error).message}); continuing without the lock`);
    return { state: 'unlocked' };
  }
  for (;;) {
    let created: boolean;
    try {
      created = tryCreate(file, me);
    } catch (err) {
      log.v(1, `cache: cannot lock ${file} (${(err as Error).message}); continuing without the lock`);
      return { state: 'unlocked' };
    }
    if (created) {
      log.v(7, `cache: lock ${file} acquired`);
      return { state: 'held', lock: holdLock(file, me.nonce) };
    }
    const verdict = inspect(file, seen, clock.now());
    if (verdict.stale && breakLock(file, verdict.stale.id)) {
      log.v(2, `cache: broke the lock of ${verdict.stale.why}`);
      continue;
    }
    const holder = verdict.holder ?? 'unknown holder';
    if (verdict.holder) log.v(7, `cache: waiting for ${verdict.holder}`);
    if (opts.ready()) return { state: 'ready' };
    if (signal.aborted) return { state: 'timed-out', holder };
    const waited = clock.now() - waitStart;
    if (waited >= timeoutMs) return { state: 'failed-open', holder, waitedMs: waited };
    await clock.sleep(Math.min(delay * (0.5 + Math.random()), Math.max(1, timeoutMs - waited)), signal);
    delay = Math.min(delay * 1.5, POLL_MAX_MS);
  }
}

/** The one-line warning for a wait that gave up on a live holder. */
export function failedOpenWarning(file: string, r: { holder: string; waitedMs: number }): string {
  return `another kubelogin (${r.holder}) has held the token cache lock for ${Math.round(r.waitedMs / 1000)}s; continuing without it (lock file ${file})`;
}

/** The lock, or NO_LOCK when the wait failed open (one warning) or ready() came true; a TimeoutError when the signal fired. */
export async function acquireLock(cacheDir: string, key: string, opts: LockOptions): Promise<Lock> {
  const r = await waitForLock(cacheDir, key, opts);
  const file = lockFilePath(cacheDir, key);
  switch (r.state) {
    case 'held':
      return r.lock;
    case 'timed-out':
      throw new TimeoutError(`get-token timed out waiting for another kubelogin to finish logging in (${file}); raise --timeout`);
    case 'failed-open':
      opts.log.warn(failedOpenWarning(file, r));
      return NO_LOCK;
    default:
      return NO_LOCK;
  }
}

/** Creates the lock file whole: a reader sees nothing or the complete holder record. */
function tryCreate(file: string, me: LockInfo): boolean {
  const tmp = `${file}.${me.nonce}.tmp`;
  writeFileSync(tmp, JSON.stringify(me), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    // File systems without hard links: O_EXCL create (a reader may see it empty for a moment: the garbage grace covers that).
    try {
      writeFileSync(file, JSON.stringify(me), { mode: 0o600, flag: 'wx' });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    try { unlinkSync(tmp); } catch { /* gone */ }
  }
}

interface Verdict {
  holder?: string;
  stale?: { id: string; why: string };
}

/**
 * Decides whether the current lock file is abandoned. `seen` remembers since when (on our clock) each
 * version of the file has stood still, so a future mtime (clock skew) cannot pin a lock forever.
 */
function inspect(file: string, seen: Map<string, number>, now: number): Verdict {
  let st: Stats | undefined;
  let text: string;
  try {
    text = readLockText(file, (s) => (st = s));
  } catch {
    return {};
  }
  if (!st) return {};
  const id = `${st.ino}:${st.mtimeMs}:${text}`;
  if (!seen.has(id)) seen.set(id, now);
  const still = Math.max(now - seen.get(id)!, now - st.mtimeMs);
  const info = parseLockInfo(text);
  if (!info) return still >= GARBAGE_GRACE_MS ? { stale: { id, why: 'an unreadable lock file' } } : { holder: 'a lock being written' };
  const holder = `pid ${info.pid} on ${info.host}`;
  if (info.host === hostname() && !isAlive(info.pid)) return { holder, stale: { id, why: `dead ${holder}` } };
  if (still >= STALE_MS) return { holder, stale: { id, why: `${holder}, silent for ${Math.round(still / 1000)}s` } };
  return { holder };
}

/**
 * Moves the lock aside and checks that what moved is the abandoned lock we judged; if another
 * process replaced it in between, puts that one back.
 */
function breakLock(file: string, judgedId: string): boolean {
  const aside = `${file}.${uniqueSuffix()}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return false;
  }
  let movedId = '';
  try {
    let st: Stats | undefined;
    const text = readLockText(aside, (s) => (st = s));
    if (st) movedId = `${st.ino}:${st.mtimeMs}:${text}`;
  } catch { /* vanished */ }
  if (movedId !== judgedId) {
    try { linkSync(aside, file); } catch { /* a newer lock exists already */ }
  }
  try { unlinkSync(aside); } catch { /* gone */ }
  return movedId === judgedId;
}

function holdLock(file: string, nonce: string): Lock {
  const beat = setInterval(() => {
    const now = new Date();
    try { utimesSync(file, now, now); } catch { /* broken by someone: release checks */ }
  }, HEARTBEAT_MS);
  beat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    process.removeListener('exit', release);
    try {
      if (parseLockInfo(readLockText(file))?.nonce === nonce) unlinkSync(file);
    } catch { /* already gone */ }
  };
  // main.ts turns SIGINT/SIGTERM into process.exit(1), so this also runs on Ctrl-C.
  process.on('exit', release);
  return { release };
}
