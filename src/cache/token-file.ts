// The access-token file: one small 0600 JSON file per identity, read directly on a cache hit so a
// hit needs neither MSAL nor the keyring. Long-lived secrets (refresh tokens) live elsewhere.
// On the hit path: node built-ins only.
import { join } from 'node:path';
import { readBounded } from '../platform/read-bounded';

export interface CachedToken {
  v: 1;
  token: string;
  /** Epoch milliseconds. */
  expiresOn: number;
}

/** A token is served from cache only while it stays valid for more than this. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

export function tokenFilePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'tokens', `${key}.json`);
}

/** The entry in a token file's text, or undefined for anything else (truncated, wrong shape, unknown version). */
export function parseTokenFile(text: string): CachedToken | undefined {
  let data: Partial<CachedToken> | null;
  try {
    data = JSON.parse(text) as Partial<CachedToken> | null;
  } catch {
    return undefined;
  }
  if (data?.v !== 1 || typeof data.token !== 'string' || !data.token || typeof data.expiresOn !== 'number' || !Number.isFinite(data.expiresOn)) return undefined;
  return { v: 1, token: data.token, expiresOn: data.expiresOn };
}

/** A token file's entry and when it was written (its mtime, epoch ms). */
export interface TokenRead {
  entry: CachedToken;
  writtenAt: number;
}

/**
 * The hit path's read. Best effort: any problem (absent, foreign, symlink, readable by others,
 * corrupt) is a miss, never an error; the full path then reports and repairs it.
 */
export function readTokenFile(file: string): CachedToken | undefined {
  return readTokenFileAt(file)?.entry;
}

/** readTokenFile, with the write time read from the same open file (so it belongs to that content). */
export function readTokenFileAt(file: string): TokenRead | undefined {
  try {
    let writtenAt = 0;
    const data = readBounded(file, MAX_TOKEN_FILE_BYTES, {
      noFollow: true,
      inspect: (st) => {
        if ((st.mode & 0o077) !== 0 || (typeof process.getuid === 'function' && st.uid !== process.getuid())) throw new Error('not private');
        writtenAt = st.mtimeMs;
      },
    });
    const entry = parseTokenFile(data.toString('utf8'));
    return entry && { entry, writtenAt };
  } catch {
    return undefined;
  }
}

export function isFresh(t: CachedToken | undefined, now: number): t is CachedToken {
  return !!t && t.expiresOn - now > REFRESH_AHEAD_MS;
}

/**
 * The token a run may serve: fresh and, when `since` is set (--force-refresh), written at or after
 * that moment, i.e. fetched from the authority by a run that was still going when this one began.
 */
export function servable<T extends CachedToken>(read: { entry: T; writtenAt: number } | undefined, now: number, since?: number): T | undefined {
  if (!read || !isFresh(read.entry, now)) return undefined;
  if (since !== undefined && read.writtenAt < since) return undefined;
  return read.entry;
}

/** When this process started (epoch ms): a forced refresh accepts only tokens written after it. */
export function processStartedAt(): number {
  return Date.now() - process.uptime() * 1000;
}
