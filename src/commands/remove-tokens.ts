// remove-tokens / remove-cache-dir (first version: removes the whole cache folder).
import { rmSync } from 'node:fs';
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import { ConfigError } from '../errors';
import type { Logger } from '../platform/log';

export interface RemoveInput {
  cacheDir: string;
  /** Set when identity flags (e.g. --server-id) were given: remove only that identity. */
  identity?: TokenOptions;
  context?: string;
  kubeconfig?: string;
}

export async function removeTokens(input: RemoveInput, _deps: { env: Env; log: Logger }): Promise<void> {
  try {
    rmSync(input.cacheDir, { recursive: true, force: true });
  } catch (err) {
    throw new ConfigError(`unable to delete authentication record cache in "${input.cacheDir}": ${(err as Error).message}`);
  }
}
