// The lock file's path and record, and the check on its holder: what cache/lock.ts writes and
// judges, and remove-tokens deletes. On the hit path (the lock is taken before heavy.cjs loads), so
// only node built-ins here.
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { readBounded, UnreadableFileError } from '../platform/read-bounded';

export interface LockInfo {
  pid: number;
  host: string;
  nonce: string;
  started: number;
}

/** The holder touches the lock this often; a lock whose mtime stands still for STALE_MS is abandoned. */
export const HEARTBEAT_MS = 2_000;
export const STALE_MS = 10_000;

export function lockFilePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'locks', `${key}.lock`);
}

const MAX_LOCK_BYTES = 4096;

/** A lock file's text; an oversized one reads as garbage (judged stale after a grace). `seen` gets its stats. */
export function readLockText(file: string, seen?: (st: Stats) => void): string {
  try {
    return readBounded(file, MAX_LOCK_BYTES, { noFollow: true, inspect: seen }).toString('utf8');
  } catch (err) {
    if (err instanceof UnreadableFileError && err.code === 'EFBIG') return '';
    throw err;
  }
}

export function parseLockInfo(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo> | null;
    if (typeof v?.pid === 'number' && v.pid > 0 && typeof v.host === 'string' && typeof v.nonce === 'string' && typeof v.started === 'number') return v as LockInfo;
  } catch { /* garbage */ }
  return undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
