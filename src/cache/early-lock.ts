// The wait for an identity's lock on a cache miss, under the run's one --timeout deadline. The light
// bundle runs it before dist/heavy.cjs loads, so the other parallel runs wait for the token in light
// processes too and 31 of 32 cold runs never load MSAL (about 100 ms of CPU each, which on 2 cores
// decides the latency of the whole batch). How it ended is an explicit value (LockHandover) that
// main.ts passes to the full path, which never waits again and never restarts the deadline.
import type { Env } from '../cli/env';
import type { Logger } from '../platform/log';
import { modeFor } from '../login/select';
import { failedOpenWarning, lockFilePath, lockTimeoutMs, waitForLock, type Lock } from './lock';
import { readTokenEntry, servable, type CachedToken } from './token-file';

/** How the wait for the identity's lock ended, for the code that logs in. */
export type LockHandover =
  /** We hold the lock of cache key `key`: log in, save, release. */
  | { state: 'held'; key: string; lock: Lock }
  /** No lock (waited long enough for a live holder, or the folder cannot hold one): log in anyway. */
  | { state: 'failed-open' }
  /** The deadline passed, or a holder that may be prompting someone is still at it: fail with `message`. */
  | { state: 'timed-out'; message: string };

/** How a wait ended: as above, or another run produced what we need (its token, when it is a token file). */
export type WaitOutcome = LockHandover | { state: 'ready'; token?: CachedToken };

export interface IdentityLockOptions {
  env: Env;
  /** The run's absolute deadline (epoch ms): process start + --timeout. */
  deadline: number;
  loginMethod: string;
  log: Logger;
  now: () => number;
  /** --force-refresh: only a token written at or after this moment (epoch ms) will do. */
  since?: number;
  /** What tells that another run is done, when it is not the identity's token file (the PoP entry). */
  ready?: () => boolean;
}

/** How the wait ended, with the token a peer produced while we waited. */
export async function waitForIdentityLock(cacheDir: string, key: string, o: IdentityLockOptions): Promise<WaitOutcome> {
  let token: CachedToken | undefined;
  const ready = o.ready ?? (() => {
    token ??= servable(readTokenEntry(cacheDir, key), o.now(), o.since);
    return token !== undefined;
  });
  const remaining = Math.max(0, o.deadline - Date.now());
  const prompts = modeFor(o.loginMethod).mayPrompt;
  const timeoutMs = lockTimeoutMs(o.env, remaining, prompts);
  const r = await waitForLock(cacheDir, key, { signal: AbortSignal.timeout(remaining), log: o.log, ready, timeoutMs });
  if (r.state === 'ready' || ready()) {
    if (r.state === 'held') r.lock.release();
    return { state: 'ready', token };
  }
  switch (r.state) {
    case 'held':
      return { state: 'held', key, lock: r.lock };
    case 'unlocked':
      return { state: 'failed-open' };
    case 'failed-open':
    case 'timed-out':
      // A second device code or browser tab in front of the person already signing in is worse than an error.
      if (prompts) return { state: 'timed-out', message: `another kubelogin (${r.holder}) is signing in to this identity; not starting a second sign-in: complete that one, then run the command again (or raise --timeout)` };
      if (r.state === 'timed-out') return { state: 'timed-out', message: `get-token timed out waiting for another kubelogin (${r.holder}) to finish logging in (${lockFilePath(cacheDir, key)}); raise --timeout` };
      o.log.warn(failedOpenWarning(lockFilePath(cacheDir, key), r));
      return { state: 'failed-open' };
  }
}
