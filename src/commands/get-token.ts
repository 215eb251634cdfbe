// get-token: exec info → cache key → fresh? → lock → fresh? → log in (silent refresh first) → save → print.
import { scopeFor, authorityHostFor, type TokenOptions } from '../cli/options';
import type { Env } from '../cli/env';
import { cacheKey, identityFor } from '../cache/key';
import { acquireLock } from '../cache/lock';
import { msalCachePlugin } from '../cache/msal-plugin';
import { isFresh, readTokenFile, tokenFilePath, type CachedToken } from '../cache/token-file';
import { writeTokenFile } from '../cache/store';
import { UsageError, TimeoutError } from '../errors';
import { formatExecCredential, readExecInfo } from '../kube/exec-credential';
import { loginFor } from '../login/select';
import type { LoginContext } from '../login/types';
import type { Logger } from '../platform/log';

export interface GetTokenDeps {
  env: Env;
  log: Logger;
  now: () => number;
  stdinIsTTY: boolean;
}

/** Returns the ExecCredential text for stdout. */
export async function getToken(o: TokenOptions, deps: GetTokenDeps): Promise<string> {
  const { env, log, now } = deps;
  if (!o.serverId) throw new UsageError('server-id is required: pass --server-id <AAD server application ID> (for AKS: 6dae42f8-4368-4678-94ff-3960e28e3630)');
  for (const s of [o.clientSecret, o.password, o.clientCertificatePassword]) log.secret(s);
  const execInfo = readExecInfo(env.KUBERNETES_EXEC_INFO);
  const key = cacheKey(identityFor(o, env));
  const tokenFile = tokenFilePath(o.cacheDir, key);
  const print = (t: CachedToken) => formatExecCredential(execInfo.apiVersion, t.token, t.expiresOn);

  const cached = readTokenFile(tokenFile);
  if (isFresh(cached, now())) return print(cached);

  const signal = AbortSignal.timeout(o.timeoutMs);
  const lock = await acquireLock(o.cacheDir, key, { signal, log, ready: () => isFresh(readTokenFile(tokenFile), now()) });
  try {
    const again = readTokenFile(tokenFile);
    if (isFresh(again, now())) return print(again);
    log.v(5, `get-token: login=${o.loginMethod} scope=${scopeFor(o.serverId)} cache key=${key}`);
    const ctx: LoginContext = {
      options: o,
      scope: scopeFor(o.serverId),
      authorityHost: authorityHostFor(o),
      env,
      log,
      signal,
      canPrompt: execInfo.interactive ?? deps.stdinIsTTY,
      cachePlugin: await msalCachePlugin(o.cacheDir, key, { log, env }),
    };
    const login = loginFor(o.loginMethod);
    const token = await login(ctx);
    if (signal.aborted) throw new TimeoutError('get-token timed out; raise --timeout');
    const entry: CachedToken = { v: 1, token: token.token, expiresOn: token.expiresOn };
    try {
      writeTokenFile(tokenFile, entry);
    } catch (err) {
      log.warn(`could not save the token cache in ${o.cacheDir}: ${(err as Error).message}; continuing without caching`);
    }
    return print(entry);
  } finally {
    lock.release();
  }
}
