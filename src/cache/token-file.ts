// The access-token file: one small 0600 JSON file per identity, read directly on a cache hit so a
// hit needs neither MSAL nor the keyring. Long-lived secrets (refresh tokens) live elsewhere.
// On the hit path: node built-ins only.
import { join } from 'node:path';
import { readPrivateFile, readSmallPrivateText } from '../platform/files';

export interface CachedToken {
  v: 1;
  token: string;
  /** Epoch milliseconds. */
  expiresOn: number;
}

/** A token file's content: the token and the cache key of the identity it was written for (as in PoP entries). */
export interface TokenFileEntry extends CachedToken {
  /** An entry copied or planted under another identity's file name is a miss. */
  id: string;
}

/** A token is served from cache only while it stays valid for more than this. */
export const REFRESH_AHEAD_MS = 5 * 60_000;
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;
/**
 * No access token lives this long (Entra ID's are 1–28 h): an expiry further out is not a time an
 * upstream meant (az answering expires_on 1e300), and is neither cached nor printed.
 */
export const MAX_TOKEN_LIFETIME_MS = 366 * 24 * 3600_000;

export function tokenFilePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'tokens', `${key}.json`);
}

/** The entry in a token file's text, or undefined for anything else (truncated, wrong shape, unknown version). */
export function parseTokenFile(text: string): TokenFileEntry | undefined {
  let data: Partial<TokenFileEntry> | null;
  try {
    data = JSON.parse(text) as Partial<TokenFileEntry> | null;
  } catch {
    return undefined;
  }
  if (data?.v !== 1 || typeof data.id !== 'string' || typeof data.token !== 'string' || !data.token || typeof data.expiresOn !== 'number' || !Number.isFinite(data.expiresOn)) return undefined;
  return { v: 1, id: data.id, token: data.token, expiresOn: data.expiresOn };
}

/** A token file's entry and when it was written (its mtime, epoch ms). */
export interface TokenRead {
  entry: TokenFileEntry;
  writtenAt: number;
}

/**
 * The hit path's read of identity `key`'s entry. Best effort: any problem (absent, foreign, symlink,
 * readable by others, corrupt, written for another identity) is a miss, never an error; the full
 * path then reports and repairs it.
 */
export function readTokenFile(cacheDir: string, key: string): TokenFileEntry | undefined {
  return readTokenEntry(cacheDir, key)?.entry;
}

/** readTokenFile, with the write time read from the same open file (so it belongs to that content). */
export function readTokenEntry(cacheDir: string, key: string): TokenRead | undefined {
  const read = readTokenFileAt(tokenFilePath(cacheDir, key));
  return read?.entry.id === key ? read : undefined;
}

function readTokenFileAt(file: string): TokenRead | undefined {
  const read = readToken(file);
  return read.kind === 'ok' ? { entry: read.entry, writtenAt: read.writtenAt } : undefined;
}

/**
 * The fast hit's read of identity `key`'s entry (src/commands/get-token-fast.ts): the same rules as
 * readTokenEntry, through the lean reader. Undefined for anything but a servable token.
 */
export function readFreshTokenFast(cacheDir: string, key: string, now: number): TokenFileEntry | undefined {
  const read = readSmallPrivateText(tokenFilePath(cacheDir, key), MAX_TOKEN_FILE_BYTES);
  const entry = read && parseTokenFile(read.text);
  return entry?.id === key && isFresh(entry, now) ? entry : undefined;
}

export type TokenFileRead =
  | { kind: 'absent' }
  | { kind: 'refused'; reason: string }
  | { kind: 'damaged' }
  | ({ kind: 'ok' } & TokenRead);

/**
 * The one reader of token files, for both bundles: a symlink, another user's file or an oversized one
 * is refused, unreadable content is damaged. A file readable by others is tightened to 0600 and used
 * when `tighten` (the full path, which owns the folder rules too), else refused: the light path changes
 * no file. The write time comes from the same open file, so it belongs to that content.
 */
export function readToken(file: string, { tighten = false } = {}): TokenFileRead {
  let read;
  try {
    read = readPrivateFile(file, MAX_TOKEN_FILE_BYTES, { tighten });
  } catch (err) {
    return { kind: 'refused', reason: `${file}: ${(err as Error).message}` };
  }
  if (read.kind !== 'ok') return read;
  const entry = parseTokenFile(read.data.toString('utf8'));
  return entry ? { kind: 'ok', entry, writtenAt: read.mtimeMs } : { kind: 'damaged' };
}

/** Servable: valid for more than REFRESH_AHEAD_MS and not absurdly far out (such an entry is a miss, and replaced). */
export function isFresh(t: Pick<CachedToken, 'expiresOn'> | undefined, now: number): boolean {
  return !!t && t.expiresOn - now > REFRESH_AHEAD_MS && t.expiresOn - now <= MAX_TOKEN_LIFETIME_MS;
}

/** Why an upstream's expiry (epoch ms) cannot be cached or printed, or undefined when it is a sane future time. */
export function expiryProblem(expiresOn: number, now: number): 'invalid' | 'expired' | undefined {
  if (!Number.isFinite(expiresOn) || expiresOn - now > MAX_TOKEN_LIFETIME_MS) return 'invalid';
  return expiresOn <= now ? 'expired' : undefined;
}

/**
 * The token a run may serve: fresh and, when `since` is set (--force-refresh), written at or after
 * that moment, i.e. fetched from the authority by a run that was still going when this one began.
 */
export function servable<T extends CachedToken>(
  read: { entry: T; writtenAt: number } | undefined,
  now: number,
  since?: number,
): T | undefined {
  if (!read || !isFresh(read.entry, now)) return undefined;
  if (since !== undefined && read.writtenAt < since) return undefined;
  return read.entry;
}

/** When this process started (epoch ms): a forced refresh accepts only tokens written after it. */
export function processStartedAt(): number {
  return Date.now() - process.uptime() * 1000;
}
