// Cross-process lock per identity around the cache-miss path. (First version: no locking yet.)
import type { Logger } from '../platform/log';

export interface Lock {
  release(): void;
}

export interface LockOptions {
  signal: AbortSignal;
  log: Logger;
  /** Polled while waiting: true when another process has produced what we need. */
  ready: () => boolean;
}

export async function acquireLock(_cacheDir: string, _key: string, _opts: LockOptions): Promise<Lock> {
  return { release() {} };
}
