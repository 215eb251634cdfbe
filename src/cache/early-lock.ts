// On a cache miss, take the identity's lock in the light bundle, before dist/heavy.cjs loads: the
// other parallel runs then wait for the token in a light process too, and 31 of 32 cold runs never
// load MSAL (about 100 ms of CPU each, which on 2 cores decides the latency of the whole batch).
// The lock is handed to the full path in the same process (acquireLock picks it up).
import type { Env } from '../cli/env';
import { createLogger } from '../platform/log';
import { acquireLock, handOverLock, lockTimeoutMs, mayPrompt, NO_LOCK } from './lock';
import { readTokenFileAt, servable, tokenFilePath, type CachedToken } from './token-file';

export interface EarlyLockOptions {
  env: Env;
  /** --timeout */
  timeoutMs: number;
  loginMethod: string;
  verbosity: number;
  stderr: (text: string) => void;
  now: () => number;
  /** --force-refresh: only a token written at or after this moment (epoch ms) will do. */
  since?: number;
}

/** The token a peer produced while we waited, or undefined: we now hold the lock (or failed open) and must log in. */
export async function lockBeforeLogin(cacheDir: string, key: string, o: EarlyLockOptions): Promise<CachedToken | undefined> {
  const tokenFile = tokenFilePath(cacheDir, key);
  const log = createLogger(o.verbosity, o.stderr);
  let token: CachedToken | undefined;
  const ready = () => {
    token ??= servable(readTokenFileAt(tokenFile), o.now(), o.since);
    return token !== undefined;
  };
  try {
    const lock = await acquireLock(cacheDir, key, { signal: AbortSignal.timeout(o.timeoutMs), log, ready, timeoutMs: lockTimeoutMs(o.env, o.timeoutMs, mayPrompt(o.loginMethod)) });
    if (token || ready()) {
      lock.release();
      return token;
    }
    handOverLock(cacheDir, key, lock);
  } catch {
    // Out of time while waiting: let the full path report it properly, without waiting again.
    handOverLock(cacheDir, key, NO_LOCK);
  }
  return undefined;
}
