// One identity's cache as the miss path sees it: the access-token file (read with repair and one
// warning for damage; written strictly: atomic, 0600, in a 0700 folder), the lock, and MSAL's
// persistent cache. Reads are best effort and writes never fail the run: a kubectl command with a
// token beats one that stops because the cache folder is read-only or full.
import type { ICachePlugin } from '@azure/msal-node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../cli/env';
import { ensurePrivateDir, readPrivateFile, RefusedFileError, removeOrphans, writeFileAtomic } from '../platform/files';
import type { Logger } from '../platform/log';
import { acquireLock, lockTimeoutMs, NO_LOCK, type Lock } from './lock';
import { msalCachePlugin } from './msal-plugin';
import { cacheReport } from './report';
import { MAX_TOKEN_FILE_BYTES, parseTokenFile, readTokenFileAt, servable, tokenFilePath, type CachedToken } from './token-file';

/** Leftover temp files of killed writers are removed once this old (no live writer takes that long). */
const ORPHAN_AGE_MS = 10 * 60_000;

export interface TokenStore {
  readonly tokenFile: string;
  /** The cached token if it is fresh. A damaged or refused file is a miss, reported once. */
  fresh(): CachedToken | undefined;
  /** Waits for this identity's lock (or for another run to fill the cache); fails open after a timeout. */
  lock(signal: AbortSignal, overallTimeoutMs: number, holderMayPrompt: boolean): Promise<Lock>;
  msalPlugin(): Promise<ICachePlugin>;
  /** Saves the token; reports a failure once and carries on. */
  save(entry: CachedToken): void;
}

export interface StoreDeps {
  log: Logger;
  env: Env;
  now: () => number;
  /** --force-refresh: serve only a token written at or after this moment (epoch ms), never an older one. */
  since?: number;
}

export function openTokenStore(cacheDir: string, key: string, deps: StoreDeps): TokenStore {
  const { log, env, now } = deps;
  const tokenFile = tokenFilePath(cacheDir, key);
  const report = cacheReport(log);
  let checkedDir = false;

  const checkDir = () => {
    if (checkedDir) return;
    checkedDir = true;
    try {
      ensurePrivateDir(cacheDir);
      for (const sub of ['tokens', 'msal', 'locks']) if (existsSync(join(cacheDir, sub))) ensurePrivateDir(join(cacheDir, sub));
    } catch (err) {
      // A read-only disk is reported when a write fails; another user's folder right away.
      if (err instanceof RefusedFileError) report.problem(`not using the token cache: ${err.message}`);
    }
  };

  return {
    tokenFile,
    fresh() {
      checkDir();
      const read = readPrivateFile(tokenFile, MAX_TOKEN_FILE_BYTES);
      if (read.kind === 'absent') return undefined;
      if (read.kind === 'refused') return void report.problem(`not using the token cache: ${read.reason}`);
      const entry = parseTokenFile(read.data.toString('utf8'));
      if (!entry) return void report.problem(`the token cache file ${tokenFile} is damaged or of an unknown version; ignoring it (it will be replaced)`);
      return servable({ entry, writtenAt: read.mtimeMs }, now(), deps.since);
    },
    lock(signal, overallTimeoutMs, holderMayPrompt) {
      return acquireLock(cacheDir, key, {
        signal,
        log,
        ready: () => servable(readTokenFileAt(tokenFile), now(), deps.since) !== undefined,
        timeoutMs: lockTimeoutMs(env, overallTimeoutMs, holderMayPrompt),
      });
    },
    msalPlugin() {
      return msalCachePlugin(cacheDir, key, { log, env, report });
    },
    save(entry) {
      try {
        writeFileAtomic(tokenFile, JSON.stringify(entry));
      } catch (err) {
        report.problem(`could not save the token cache in ${cacheDir}: ${(err as Error).message}; continuing without caching`);
        return;
      }
      for (const dir of ['tokens', 'msal', 'locks', 'pop', 'metadata']) removeOrphans(join(cacheDir, dir), ORPHAN_AGE_MS, now());
    },
  };
}


