// The home folder without loading node:os on the cache-hit path: $HOME when set, as os.homedir()
// itself answers (libuv reads $HOME first), else the passwd entry through node:os.
import { join } from 'node:path';
import type { Env } from '../cli/env';

export function homeDir(env: Env): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return env.HOME || (require('node:os') as typeof import('node:os')).homedir();
}

/** Azure/kubelogin's default cache folder under a home folder: ~/.kube/cache/kubelogin. */
export function defaultCacheDirUnder(home: string): string {
  return join(home, '.kube', 'cache', 'kubelogin');
}
