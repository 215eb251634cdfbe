// get-token: exec info → cache key → fresh? → lock → fresh? → log in (silent refresh first) → save → print.
// acquireToken is the use case without the printing; whoami serves its token through it too.
import { scopeFor, authorityHostFor, popApplies, type TokenOptions } from '../cli/options';
import { runSecrets, type Env } from '../cli/env';
import { cacheKey, identityFor } from '../cache/key';
import { mayPrompt } from '../cache/lock';
import { openTokenStore } from '../cache/store';
import { processStartedAt, type CachedToken } from '../cache/token-file';
import { UsageError, TimeoutError } from '../errors';
import { formatExecCredential, readExecInfo } from '../kube/exec-credential';
import { loginFor } from '../login/select';
import type { LoginContext, TokenSource } from '../login/types';
import type { Logger } from '../platform/log';

export interface GetTokenDeps {
  env: Env;
  log: Logger;
  now: () => number;
  stdinIsTTY: boolean;
  /** When this run began (epoch ms; default: process start): --force-refresh serves no token written before it. */
  startedAt?: number;
}

/** A token as the use case serves it, and where it came from (whoami shows that). */
export interface ServedToken extends CachedToken {
  source: TokenSource;
}

/** Returns the ExecCredential text for stdout. */
export async function getToken(o: TokenOptions, deps: GetTokenDeps): Promise<string> {
  requireServerId(o);
  const execInfo = readExecInfo(deps.env.KUBERNETES_EXEC_INFO);
  if (execInfo.note) deps.log.v(1, execInfo.note);
  const t = await acquireToken(o, deps, execInfo.interactive ?? deps.stdinIsTTY);
  return formatExecCredential(execInfo.apiVersion, t.token, t.expiresOn);
}

/** The use case: cache key → fresh? → lock → fresh? → log in (silent refresh first) → save. */
export async function acquireToken(o: TokenOptions, deps: GetTokenDeps, canPrompt: boolean): Promise<ServedToken> {
  const { env, log, now } = deps;
  requireServerId(o);
  for (const s of runSecrets(o, env)) log.secret(s);
  const key = cacheKey(identityFor(o, env));
  // --force-refresh: parallel forced runs still make one request: the lock holder asks, and the others
  // take the token it writes, since it was fetched after they began.
  const since = o.forceRefresh ? (deps.startedAt ?? processStartedAt()) : undefined;
  const store = openTokenStore(o.cacheDir, key, { log, env, now, persistTokens: !popApplies(o), since });
  const served = (t: CachedToken, source: TokenSource): ServedToken => ({ ...t, source });

  const cached = store.fresh();
  if (cached) return served(cached, 'cache');

  const signal = AbortSignal.timeout(o.timeoutMs);
  const lock = await store.lock(signal, o.timeoutMs, mayPrompt(o.loginMethod));
  try {
    const again = store.fresh();
    if (again) return served(again, 'cache');
    log.v(5, `get-token: login=${o.loginMethod} scope=${scopeFor(o.serverId)} cache key=${key}${since ? ' (forced refresh)' : ''}`);
    const ctx: LoginContext = {
      options: o,
      scope: scopeFor(o.serverId),
      authorityHost: authorityHostFor(o),
      env,
      log,
      signal,
      canPrompt,
      cachePlugin: await store.msalPlugin(),
    };
    const login = loginFor(o.loginMethod);
    const token = await login(ctx);
    if (signal.aborted) throw new TimeoutError('get-token timed out; raise --timeout');
    const entry: CachedToken = { v: 1, token: token.token, expiresOn: token.expiresOn };
    store.save(entry);
    return served(entry, token.source ?? 'new');
  } finally {
    lock.release();
  }
}

function requireServerId(o: TokenOptions): void {
  if (!o.serverId) throw new UsageError('server-id is required: pass --server-id <AAD server application ID> (for AKS: 6dae42f8-4368-4678-94ff-3960e28e3630)');
}
