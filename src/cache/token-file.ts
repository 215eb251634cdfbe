// The access-token file: one small 0600 JSON file per identity, read directly on a cache hit so a
// hit needs neither MSAL nor the keyring. Long-lived secrets (refresh tokens) live elsewhere.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

export interface CachedToken {
  v: 1;
  token: string;
  /** Epoch milliseconds. */
  expiresOn: number;
}

/** A token is served from cache only while it stays valid for more than this. */
export const REFRESH_AHEAD_MS = 5 * 60_000;

export function tokenFilePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'tokens', `${key}.json`);
}

/** Best effort: any problem (absent, foreign, symlink, corrupt) is a miss, never an error. */
export function readTokenFile(file: string): CachedToken | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > 64 * 1024) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    const buf = Buffer.alloc(st.size);
    readSync(fd, buf, 0, st.size, 0);
    const data = JSON.parse(buf.toString('utf8')) as CachedToken;
    if (data?.v !== 1 || typeof data.token !== 'string' || !data.token || typeof data.expiresOn !== 'number') return undefined;
    return data;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function isFresh(t: CachedToken | undefined, now: number): t is CachedToken {
  return !!t && t.expiresOn - now > REFRESH_AHEAD_MS;
}
