// MSAL's persistent cache for one identity (refresh tokens, accounts). First version: a 0600 file.
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../cli/env';
import { writeFileAtomic } from '../platform/files';
import type { Logger } from '../platform/log';

export async function msalCachePlugin(cacheDir: string, key: string, deps: { log: Logger; env: Env }): Promise<ICachePlugin> {
  const file = join(cacheDir, 'msal', `${key}.json`);
  return {
    async beforeCacheAccess(ctx: TokenCacheContext) {
      try {
        ctx.tokenCache.deserialize(readFileSync(file, 'utf8'));
      } catch {
        deps.log.v(6, 'msal cache: none yet');
      }
    },
    async afterCacheAccess(ctx: TokenCacheContext) {
      if (ctx.cacheHasChanged) writeFileAtomic(file, ctx.tokenCache.serialize());
    },
  };
}
