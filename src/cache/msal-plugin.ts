// MSAL's persistent cache for one sign-in key (src/cache/key.ts signInKey: the tenant's, shared by its
// clusters, for user modes; else the identity's) (refresh tokens, accounts): `<cache-dir>/msal/<key>.json`,
// AES-256-GCM with the keyring-held key where a keyring is usable, else plain; always 0600 and written
// whole. beforeCacheAccess re-reads the file every time (we hold its lock: the identity's, or the
// sign-in lock), because Entra ID rotates refresh tokens and a parallel run may have stored a newer one. Unreadable content is a
// miss with one warning; MSAL only ever sees input whose shape was checked.
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { join } from 'node:path';
import type { Env } from '../cli/env';
import { readPrivateFile, writeFileAtomic } from '../platform/files';
import type { Logger } from '../platform/log';
import { keyId, openSealed, parseEnvelope, seal } from './crypto';
import { loadEncryptionKey } from './keyring';
import { msalCacheProblem } from './msal-shape';
import { cacheReport, type CacheReport } from './report';

export const MAX_MSAL_CACHE_BYTES = 4 * 1024 * 1024;

export interface MsalPluginDeps {
  log: Logger;
  env: Env;
  /** Shared with the token file, so one run warns once. */
  report?: CacheReport;
  /** The encryption key, when the caller reads it already (the PoP store: one keyring read per run). */
  encryptionKey?: () => Promise<Buffer | undefined>;
}

export function msalCacheFilePath(cacheDir: string, key: string): string {
  return join(cacheDir, 'msal', `${key}.json`);
}

export function msalCachePlugin(cacheDir: string, key: string, deps: MsalPluginDeps): ICachePlugin {
  const file = msalCacheFilePath(cacheDir, key);
  const report = deps.report ?? cacheReport(deps.log);
  const aad = `kubelogin-msal-cache:${key}`;
  // The OS keyring is asked at most once per run, and only when the file is encrypted or written.
  let keyPromise: Promise<Buffer | undefined> | undefined;
  const encryptionKey = deps.encryptionKey ?? (() => (keyPromise ??= loadEncryptionKey({ env: deps.env, log: deps.log, cacheDir })));

  async function load(): Promise<string | undefined> {
    const read = readPrivateFile(file, MAX_MSAL_CACHE_BYTES);
    if (read.kind === 'absent') return void deps.log.v(6, 'cache: no MSAL cache yet');
    if (read.kind === 'refused') return void report.problem(`not using the MSAL cache: ${read.reason}`);
    const envelope = parseEnvelope(read.data.toString('utf8'));
    if (!envelope) return void report.problem(`the MSAL cache ${file} is damaged or of an unknown version; ignoring it (it will be replaced)`);
    let text = envelope.data;
    if (envelope.alg === 'A256GCM') {
      const k = await encryptionKey();
      if (!k) return void deps.log.v(1, `cache: ${file} is encrypted with the OS keyring's key, which is not reachable now; ignoring it`);
      try {
        text = openSealed(envelope, k, aad);
      } catch {
        const why = envelope.kid === keyId(k) ? 'it is damaged' : 'the keyring key changed';
        return void report.problem(`the MSAL cache ${file} cannot be decrypted (${why}); ignoring it (it will be replaced)`);
      }
    }
    const problem = msalCacheProblem(text);
    if (problem) return void report.problem(`the MSAL cache ${file} is not a valid MSAL cache (${problem}); ignoring it (it will be replaced)`);
    return text;
  }

  return {
    async beforeCacheAccess(ctx: TokenCacheContext) {
      const text = await load();
      if (text !== undefined) ctx.tokenCache.deserialize(text);
    },
    async afterCacheAccess(ctx: TokenCacheContext) {
      if (!ctx.cacheHasChanged) return;
      try {
        writeFileAtomic(file, seal(ctx.tokenCache.serialize(), await encryptionKey(), aad));
      } catch (err) {
        report.problem(`could not save the MSAL cache in ${cacheDir}: ${(err as Error).message}; continuing without caching`);
      }
    },
  };
}
