// Flags + environment → TokenOptions, with Azure/kubelogin's precedence (UpdateFromEnv): any env var
// that is *present* (even empty) overwrites the flag, unless --disable-environment-override. Which
// flag sets which field, and which env vars override it, is the flags table's (cli/flags.ts).
// Pure and dependency-free: the cache-hit path and the full CLI both call it.
import { UsageError } from '../errors';
import type { LoginMethod } from '../login/methods';
import { modeFor } from '../login/select';
import { cloudAuthorityHost } from './clouds';
import { formatDuration, parseDuration } from './duration';
import { ENV, SECRET_ENV, type Env } from './env';
import { isCommandFlag, TOKEN_FLAGS, tokenFlag, type TokenFlag } from './flags';
import { defaultCacheDirUnder, homeDir } from '../platform/home';

export interface TokenOptions {
  loginMethod: LoginMethod;
  serverId: string;
  clientId: string;
  clientSecret: string;
  clientCertificate: string;
  clientCertificatePassword: string;
  username: string;
  password: string;
  identityResourceId: string;
  tenantId: string;
  subscription: string;
  environment: string;
  authorityHost: string;
  federatedTokenFile: string;
  azurePipelinesServiceConnectionId: string;
  cacheDir: string;
  legacy: boolean;
  useAzurermEnvVars: boolean;
  popEnabled: boolean;
  popClaims: string;
  timeoutMs: number;
  /** True when --timeout or AZURE_CLI_TIMEOUT chose the timeout (azurecli/azd default to 30s otherwise). */
  timeoutSet: boolean;
  disableEnvironmentOverride: boolean;
  disableInstanceDiscovery: boolean;
  redirectUrl: string;
  loginHint: string;
  /** --force-refresh / KUBELOGIN_FORCE_REFRESH: ask the authority even when a cached token is fresh. */
  forceRefresh: boolean;
}

/** Flags as the user set them, by long name, in command-line order (the last of a repeated flag wins). */
export type SetFlags = Array<[name: string, value: string | boolean]>;

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_ENVIRONMENT = 'AzurePublicCloud';

export function defaultCacheDir(env: Env): string {
  return env[ENV.kubeCacheDir] || defaultCacheDirUnder(homeDir(env));
}

export interface Resolved {
  options: TokenOptions;
  /** Long names of flags given on the command line. */
  setFlags: Set<string>;
}

function defaults(env: Env): TokenOptions {
  return {
    loginMethod: 'devicecode',
    serverId: '', clientId: '', clientSecret: '', clientCertificate: '', clientCertificatePassword: '',
    username: '', password: '', identityResourceId: '', tenantId: '', subscription: '',
    environment: DEFAULT_ENVIRONMENT, authorityHost: '', federatedTokenFile: '', azurePipelinesServiceConnectionId: '',
    cacheDir: defaultCacheDir(env), legacy: false, useAzurermEnvVars: false, popEnabled: false, popClaims: '',
    timeoutMs: DEFAULT_TIMEOUT_MS, timeoutSet: false, disableEnvironmentOverride: false,
    disableInstanceDiscovery: false, redirectUrl: '', loginHint: '', forceRefresh: false,
  };
}

/** Applies flags, then the env step, then returns unvalidated options (see validateTokenOptions). */
export function resolveTokenOptions(flags: SetFlags, env: Env): Resolved {
  const o = defaults(env);
  const setFlags = new Set<string>();
  for (const [name, value] of flags) {
    setFlags.add(name);
    const flag = tokenFlag(name);
    if (flag) setField(o, flag, value, 'flag');
    else if (!isCommandFlag(name)) throw new Error(`internal: --${name} is in no flags table`);
  }
  if (!o.disableEnvironmentOverride) applyEnv(o, env);
  applyOwnEnv(o, env);
  return { options: o, setFlags };
}

/**
 * This project's own variables (not Azure/kubelogin's): a user's one-off switch such as
 * `KUBELOGIN_FORCE_REFRESH=true kubectl …`, so a kubeconfig's --disable-environment-override does not turn it off.
 */
function applyOwnEnv(o: TokenOptions, env: Env): void {
  for (const flag of TOKEN_FLAGS) {
    for (const name of flag.env?.own ?? []) {
      const value = env[name];
      if (value === undefined) continue;
      if (flag.type === 'boolean') (o as unknown as Record<string, unknown>)[flag.field] = envBoolean(name, value);
      else setField(o, flag, value, 'env');
    }
  }
}

function envBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  throw new UsageError(`${name}="${value}" is not a boolean; set it to true or false (or unset it)`);
}

function setField(o: TokenOptions, flag: TokenFlag, value: string | boolean, from: 'flag' | 'env'): void {
  const bag = o as unknown as Record<string, unknown>;
  if (flag.type === 'boolean') bag[flag.field] = value === true || value === 'true';
  else if (flag.type === 'duration') {
    const ms = parseDuration(String(value));
    // An unparsable AZURE_CLI_TIMEOUT is ignored, as upstream; a bad --timeout is an error.
    if (ms === undefined && from === 'env') return;
    if (ms === undefined) throw new UsageError(`invalid argument "${String(value)}" for "--${flag.name}" flag: time: invalid duration "${String(value)}"; use a duration such as 30s or 2m`);
    bag[flag.field] = wholeMs(ms);
    o.timeoutSet = true;
  } else bag[flag.field] = String(value);
}

/** Every flag's env vars (ARM_* instead with --use-azurerm-env-vars), then those of the final login method. */
function applyEnv(o: TokenOptions, env: Env): void {
  const take = (flag: TokenFlag, names: readonly string[]) => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined) setField(o, flag, value, 'env');
    }
  };
  for (const flag of TOKEN_FLAGS) {
    take(flag, (o.useAzurermEnvVars ? flag.env?.azurerm : undefined) ?? flag.env?.names ?? []);
  }
  for (const flag of TOKEN_FLAGS) {
    const forLogin = flag.env?.byLogin?.[o.loginMethod];
    if (forLogin && !(forLogin.fillEmpty && o[flag.field])) take(flag, forLogin.names);
  }
}

/** Node's timers take whole milliseconds up to 2^31-1 (24.8 days); Go durations go to the nanosecond. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A sub-millisecond rest rounds up, so 1ns is a (very short) timeout rather than none. */
function wholeMs(ms: number): number {
  return ms > 0 ? Math.ceil(ms) : ms;
}

/** Azure/kubelogin's Validate(), with a remedy appended to each message. */
export function validateTokenOptions(o: TokenOptions): void {
  modeFor(o.loginMethod);
  if (o.authorityHost) validateAuthorityHost(o.authorityHost);
  cloudAuthorityHost(o.environment);
  if (o.popEnabled && !o.popClaims) {
    throw new UsageError('if enabling pop token mode, please provide the pop-claims flag containing the PoP token claims as a comma-separated string: `u=popClaimHost,key1=val1`');
  }
  if (o.popClaims && !o.popEnabled) {
    throw new UsageError('pop-enabled flag is required to use the PoP token feature. Please provide both pop-enabled and pop-claims flags');
  }
  if (o.timeoutMs <= 0) throw new UsageError('timeout must be greater than 0: pass --timeout with a positive duration such as 60s');
  if (o.timeoutMs > MAX_TIMEOUT_MS) {
    throw new UsageError(`timeout ${formatDuration(o.timeoutMs)} is out of range: --timeout (or AZURE_CLI_TIMEOUT) must be greater than 0 and at most ${formatDuration(MAX_TIMEOUT_MS)}`);
  }
}

function validateAuthorityHost(host: string): void {
  let url: URL;
  try {
    url = new URL(host);
  } catch (err) {
    throw new UsageError(`authority host "${host}" is not valid: ${(err as Error).message}; pass a URL such as https://login.microsoftonline.com/`);
  }
  if (!url.protocol || !url.host) throw new UsageError(`authority host "${host}" is not valid; pass a URL such as https://login.microsoftonline.com/`);
  // Some requests are made without MSAL (v1 --legacy, device code, PoP): over http they would carry the
  // client secret or password in clear text.
  if (url.protocol !== 'https:') throw new UsageError(`authority host "${host}" must use https:// (secrets are sent to it); pass a URL such as https://login.microsoftonline.com/`);
  if (!host.endsWith('/')) throw new UsageError(`authority host "${host}" should have a trailing slash; pass "${host}/"`);
}

/** Whether this run gets a PoP token: the mode's rule (interactive, ropc, spn without --legacy). */
export function popApplies(o: Pick<TokenOptions, 'popEnabled' | 'loginMethod' | 'legacy'>): boolean {
  return o.popEnabled && !!modeFor(o.loginMethod).pop?.(o);
}

/** A run's credentials, for the logger to redact: the secret options (the flags table marks them) and SECRET_ENV. */
export function secretsOf(o: TokenOptions, env: Env): Array<string | undefined> {
  return [...TOKEN_FLAGS.filter((f) => f.secret).map((f) => String(o[f.field])), ...SECRET_ENV.map((name) => env[name])];
}

/** The Entra ID authority host (with trailing slash): --authority-host wins over --environment. */
export function authorityHostFor(o: Pick<TokenOptions, 'authorityHost' | 'environment'>): string {
  if (o.authorityHost) return o.authorityHost;
  return cloudAuthorityHost(o.environment);
}
