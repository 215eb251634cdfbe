// remove-cache-dir / remove-tokens: without identity flags, delete everything kubelogin wrote in the
// cache folder (and the folder, when nothing else is in it) and its keyring key; with identity flags
// (--server-id ...) or --context NAME, delete only that identity's token file, MSAL cache and lock,
// leaving every other cluster's access token in place. For the user modes the MSAL cache is the tenant's
// shared sign-in (src/cache/key.ts signInKey): it goes too, so the next run signs in again.
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { ENV, type Env } from '../cli/env';
import { resolveTokenOptions, validateTokenOptions, type TokenOptions } from '../cli/options';
import { hitIndexPath } from '../cache/hit-index';
import { cacheKey, identityFor, signInKey } from '../cache/key';
import { removableFolder, removeCacheFolder } from '../cache/folder';
import { deleteEncryptionKey } from '../cache/keyring';
import { lockFilePath } from '../cache/lock';
import { msalCacheFilePath } from '../cache/msal-plugin';
import { popFilePath } from '../cache/pop-entry';
import { tokenFilePath } from '../cache/token-file';
import { ConfigError, UsageError } from '../errors';
import { loadKubeconfigFiles } from '../kube/kubeconfig';
import { contextPluginUser, pluginEnv, pluginFlags } from '../kube/plugin-users';
import type { Logger } from '../platform/log';

export interface RemoveInput {
  cacheDir: string;
  /** Set when identity flags (e.g. --server-id) were given: remove only that identity. */
  identity?: TokenOptions;
  context?: string;
  kubeconfig?: string;
}

interface Deps {
  env: Env;
  log: Logger;
}

export async function removeTokens(input: RemoveInput, deps: Deps): Promise<void> {
  if (input.context) return removeIdentity(contextIdentity(input, deps), deps);
  if (input.identity) return removeIdentity({ options: input.identity, env: deps.env }, deps);
  let removed: boolean;
  try {
    // Only what kubelogin writes: the folder stays if it holds anything else (src/cache/folder.ts).
    removed = removeCacheFolder(input.cacheDir);
  } catch (err) {
    throw new ConfigError(`unable to delete authentication record cache in "${input.cacheDir}": ${(err as Error).message}`);
  }
  // The folder's MSAL cache key goes too; nothing it encrypted is left.
  const keyDeleted = await deleteEncryptionKey(deps.env, input.cacheDir);
  const key = keyDeleted ? ' and its key in the OS keyring' : '';
  if (removed) deps.log.v(1, `removed the token cache folder ${input.cacheDir}${key}`);
  else deps.log.v(0, `removed kubelogin's token cache from ${input.cacheDir}${key}; kept the folder, which holds files kubelogin did not write`);
}

interface ResolvedIdentity {
  options: TokenOptions;
  /** The environment get-token runs with (the exec entry's env on top of ours). */
  env: Env;
}

function removeIdentity({ options, env }: ResolvedIdentity, deps: Deps): void {
  const folder = removableFolder(options.cacheDir);
  if (folder) throw new ConfigError(`unable to delete authentication record cache in "${options.cacheDir}": ${folder}`);
  const key = cacheKey(identityFor(options, env));
  const dir = options.cacheDir;
  const signIn = signInKey(options, env);
  // The hit index goes whole: its entries only point at token files, and the next hits rebuild it.
  const files = [tokenFilePath(dir, key), popFilePath(dir, key), msalCacheFilePath(dir, signIn), lockFilePath(dir, key), hitIndexPath(dir)];
  for (const file of files) {
    try {
      rmSync(file, { force: true });
    } catch (err) {
      throw new ConfigError(`unable to delete authentication record cache in "${options.cacheDir}": ${(err as Error).message}`);
    }
  }
  const shared = signIn === key ? '' : ` and the sign-in it shares with the tenant's other clusters (key ${signIn})`;
  deps.log.v(1, `removed the cached tokens of login=${options.loginMethod} server-id=${options.serverId} (key ${key})${shared} from ${options.cacheDir}`);
}

/** The identity the context's `kubelogin get-token` exec entry logs in as, resolved as get-token would. */
function contextIdentity(input: RemoveInput, deps: Deps): ResolvedIdentity {
  const files = loadKubeconfigFiles({ explicit: input.kubeconfig, kubeconfigEnv: deps.env.KUBECONFIG, home: deps.env.HOME || homedir() });
  const user = contextPluginUser(files.map((f) => f.doc), input.context!, 'run kubelogin convert-kubeconfig first, or pass the identity flags (--server-id ...)');
  const env = pluginEnv(deps.env, user);
  const flags = pluginFlags(user);
  // Where get-token keeps this identity: its own --cache-dir or KUBECACHEDIR, else the folder this command was given.
  if (!flags.some(([name]) => name === 'cache-dir' || name === 'token-cache-dir') && env[ENV.kubeCacheDir] === undefined) flags.unshift(['cache-dir', input.cacheDir]);
  const { options } = resolveTokenOptions(flags, env);
  validateTokenOptions(options);
  if (!options.serverId) throw new UsageError(`context "${input.context}": its get-token arguments have no --server-id; fix the kubeconfig entry`);
  return { options, env };
}
