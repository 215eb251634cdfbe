// The lock on a sign-in (MSAL cache) shared by several identities: one tenant's clusters in the user
// modes (src/cache/key.ts signInKey). Each identity's own lock does not cover another cluster's run on
// the same file, and Entra ID rotates refresh tokens: two runs refreshing from one file at once would
// each write their own new refresh token and one would be lost. Taken after the identity's lock,
// always in that order, so no two runs wait for each other in a cycle.
import type { Env } from '../cli/env';
import type { Logger } from '../platform/log';
import { acquireLock, lockTimeoutMs, NO_LOCK, type Lock } from './lock';

export interface SignInLockOptions {
  signal: AbortSignal;
  log: Logger;
  env: Env;
  /** --timeout */
  timeoutMs: number;
  /** The holder may be waiting for a person (device code, browser): wait the whole --timeout. */
  holderMayPrompt: boolean;
}

/** NO_LOCK when the MSAL cache is the identity's own (its lock is held already). */
export function lockSignIn(cacheDir: string, identityKey: string, signInKey: string, o: SignInLockOptions): Promise<Lock> {
  if (signInKey === identityKey) return Promise.resolve(NO_LOCK);
  // Nothing to watch for while waiting: the holder's sign-in lands in the shared file, read after.
  const timeoutMs = lockTimeoutMs(o.env, o.timeoutMs, o.holderMayPrompt);
  return acquireLock(cacheDir, signInKey, { signal: o.signal, log: o.log, ready: () => false, timeoutMs });
}
