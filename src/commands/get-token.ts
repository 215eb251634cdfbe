// get-token: exec info → cache key → fresh? → lock → fresh? → log in (silent refresh first) → save → print.
// acquireToken is the use case without the printing; whoami serves its token through it too.
// With PoP the cache entry also holds the key the token is bound to; every print signs a new PoP token.
import { authorityHostFor, popApplies, secretsOf, type TokenOptions } from '../cli/options';
import type { Env } from '../cli/env';
import { authorityMetadataStore } from '../cache/authority-metadata';
import { cacheKey, identityFor, signInKey } from '../cache/key';
import { NO_LOCK } from '../cache/lock';
import type { PopEntry } from '../cache/pop-entry';
import { openPopStore } from '../cache/pop-store';
import { lockSignIn } from '../cache/sign-in-lock';
import { openTokenStore } from '../cache/store';
import { expiryProblem, processStartedAt, type CachedToken } from '../cache/token-file';
import { AuthError, UsageError, TimeoutError } from '../errors';
import { formatExecCredential, readExecInfo } from '../kube/exec-credential';
import { parsePopClaims } from '../login/pop';
import { newPopKey, popKid, signPopToken, type RsaPrivateJwk } from '../login/pop-token';
import { loginFor } from '../login/logins';
import { scopeFor } from '../login/scope';
import { modeFor } from '../login/select';
import { signInDecision } from '../login/sign-in-policy';
import type { LoginContext, TokenSource } from '../login/types';
import type { Logger } from '../platform/log';
import type { Handover } from './get-token-light';

export interface GetTokenDeps {
  env: Env;
  log: Logger;
  now: () => number;
  stdinIsTTY: boolean;
  /** Whether stderr is a terminal: someone may read a device code there. */
  stderrIsTTY?: boolean;
  /** When this run began (epoch ms; default: process start): --force-refresh serves no token written before it. */
  startedAt?: number;
  /** From the light bundle: the run's start (the deadline's origin) and how its lock wait ended. */
  handover?: Handover;
}

/** A token as the use case serves it, and where it came from (whoami shows that). */
export interface ServedToken extends CachedToken {
  source: TokenSource;
  /** --pop-enabled: `token` is the access token bound to this key; what is printed is a PoP token signed with it for `u`. */
  pop?: { key: RsaPrivateJwk; u: string; kid?: string };
}

/** Returns the ExecCredential text for stdout. */
export async function getToken(o: TokenOptions, deps: GetTokenDeps): Promise<string> {
  requireServerId(o);
  const execInfo = readExecInfo(deps.env.KUBERNETES_EXEC_INFO);
  if (execInfo.note) deps.log.v(1, execInfo.note);
  const t = await acquireToken(o, deps, execInfo.interactive);
  const token = presentedToken(t, deps);
  return formatExecCredential(execInfo.apiVersion, token, t.expiresOn);
}

/** What kubectl presents: the access token, or with PoP a new PoP token signed with its key. */
export function presentedToken(t: ServedToken, deps: Pick<GetTokenDeps, 'log' | 'now'>): string {
  const token = t.pop ? signPopToken(t.pop.key, t.token, t.pop.u, deps.now(), t.pop.kid) : t.token;
  deps.log.secret(token);
  return token;
}

/**
 * The use case: cache key → fresh? → lock → fresh? → log in (silent refresh first) → save.
 * `specInteractive`: kubectl's spec.interactive, undefined when not run by kubectl (sign-in-policy.ts decides).
 */
export async function acquireToken(o: TokenOptions, deps: GetTokenDeps, specInteractive: boolean | undefined): Promise<ServedToken> {
  const { env, log, now } = deps;
  requireServerId(o);
  for (const s of secretsOf(o, env)) log.secret(s);
  const key = cacheKey(identityFor(o, env));
  // --force-refresh: parallel forced runs still make one request: the lock holder asks, and the others
  // take the token it writes, since it was fetched after they began.
  const since = o.forceRefresh ? (deps.startedAt ?? processStartedAt()) : undefined;
  const u = popApplies(o) ? parsePopClaims(o.popClaims).u : undefined;
  const shared = signInKey(o, env);
  const popStore = u === undefined ? undefined : openPopStore(o.cacheDir, key, { log, env, now, since, signInKey: shared });
  const tokenStore = popStore ? undefined : openTokenStore(o.cacheDir, key, { log, env, now, since, signInKey: shared });
  const store = popStore ?? tokenStore!;
  const served = (t: CachedToken | PopEntry, source: TokenSource): ServedToken => ({
    v: 1, token: t.token, expiresOn: t.expiresOn, source, ...('key' in t && u !== undefined && { pop: { key: t.key, u, kid: t.kid } }),
  });

  // One deadline for the whole run, counted from the process's start, across the light → full hand-over.
  const deadline = (deps.handover?.startedAt ?? now()) + o.timeoutMs;
  const signal = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
  let waited = deps.handover?.lock;
  if (waited?.state === 'held' && waited.key !== key) {
    // The light parser saw another identity (should not happen): do not log in under its lock.
    waited.lock.release();
    waited = undefined;
  }
  if (!waited) {
    const cached = await store.fresh();
    if (cached) return served(cached, 'cache');
    const r = await store.lock(deadline, o.loginMethod);
    waited = r.state === 'ready' ? { state: 'failed-open' } : r;
  }
  if (waited.state === 'timed-out') throw new TimeoutError(waited.message);
  const lock = waited.state === 'held' ? waited.lock : NO_LOCK;
  try {
    const again = await store.fresh();
    if (again) return served(again, 'cache');
    log.v(5, `get-token: login=${o.loginMethod} scope=${scopeFor(o.serverId)} cache key=${key}${since ? ' (forced refresh)' : ''}`);
    const popKey = u === undefined ? undefined : await newPopKey();
    if (popKey) log.v(5, `pop: new RSA-2048 key ${popKid(popKey)} for this token; u=${u}`);
    // Only the modes whose descriptor says they may prompt (devicecode, interactive) ask the policy.
    const situation = {
      specInteractive, stdinIsTTY: deps.stdinIsTTY, stderrIsTTY: deps.stderrIsTTY ?? false, platform: process.platform, env,
    };
    const person = modeFor(o.loginMethod).mayPrompt
      ? signInDecision({ ...situation, mode: o.loginMethod as 'devicecode' | 'interactive' })
      : undefined;
    if (person) log.v(3, `get-token: a person ${person.proceed ? 'may' : 'may not'} be asked to sign in: ${person.why}`);
    const ctx: LoginContext = {
      options: o,
      scope: scopeFor(o.serverId),
      authorityHost: authorityHostFor(o),
      env,
      log,
      signal,
      now,
      canPrompt: person?.proceed ?? false,
      promptWhy: person?.why,
      cachePlugin: await store.msalPlugin(),
      popKey,
      authorityMetadata: store.usable() ? authorityMetadataStore(o.cacheDir, now) : undefined,
    };
    const login = loginFor(modeFor(o.loginMethod));
    const holderMayPrompt = modeFor(o.loginMethod).mayPrompt;
    const signIn = await lockSignIn(o.cacheDir, key, shared, { signal, log, env, timeoutMs: o.timeoutMs, holderMayPrompt });
    const token = await holding(signIn, () => login(ctx));
    if (signal.aborted) throw new TimeoutError('get-token timed out; raise --timeout');
    checkExpiry(o.loginMethod, token.expiresOn, now());
    const entry: CachedToken = { v: 1, token: token.token, expiresOn: token.expiresOn };
    if (popStore && popKey) {
      const popEntry: PopEntry = { ...entry, key: { ...popKey }, kid: popKid(popKey) };
      await popStore.save(popEntry);
      return served(popEntry, token.source ?? 'new');
    }
    tokenStore?.save({ ...entry, id: key });
    return served(entry, token.source ?? 'new');
  } finally {
    lock.release();
  }
}

function requireServerId(o: TokenOptions): void {
  if (!o.serverId) throw new UsageError('server-id is required: pass --server-id <AAD server application ID> (for AKS: 6dae42f8-4368-4678-94ff-3960e28e3630)');
}

/** An upstream token is printed and cached only with a sane future expiry (issue 10: az answering 1e300 or 1969). */
function checkExpiry(loginMethod: string, expiresOn: number, now: number): void {
  const problem = expiryProblem(expiresOn, now);
  if (!problem) return;
  const check = EXPIRY_REMEDY[loginMethod] ?? 'check this machine\'s clock and the identity provider\'s answer (-v 9)';
  if (problem === 'expired') {
    throw new AuthError(`the token --login ${loginMethod} returned had already expired (at ${new Date(expiresOn).toISOString()}); not printing it: ${check}`);
  }
  throw new AuthError(`the token --login ${loginMethod} returned has an expiry that is not a valid time (${expiresOn} ms since 1970); not caching or printing it: ${check}`);
}

const EXPIRY_REMEDY: Record<string, string> = {
  azurecli: 'check `az account get-access-token`, sign in again with `az login`, or update the Azure CLI',
  azd: 'check `azd auth token`, sign in again with `azd auth login`, or update the Azure Developer CLI',
};
async function holding<T>(lock: { release(): void }, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    lock.release();
  }
}
