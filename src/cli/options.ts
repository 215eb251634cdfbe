// Flags + environment → TokenOptions, with Azure/kubelogin's precedence (UpdateFromEnv): any env var
// that is *present* (even empty) overwrites the flag, unless --disable-environment-override.
// Pure and dependency-free: the cache-hit path and the full CLI both call it.
import { join } from 'node:path';
import { UsageError } from '../errors';
import { cloudAuthorityHost } from './clouds';
import { formatDuration, parseDuration } from './duration';
import { ENV, type Env } from './env';
import { LOGIN_METHODS, type LoginMethod } from './flags';
import { homeDir } from '../platform/home';

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
  return env[ENV.kubeCacheDir] || join(homeDir(env), '.kube', 'cache', 'kubelogin');
}

/** Each string flag's option field. */
export const STRING_FIELDS: Record<string, keyof TokenOptions> = {
  'server-id': 'serverId',
  'client-id': 'clientId',
  'client-secret': 'clientSecret',
  'client-certificate': 'clientCertificate',
  'client-certificate-password': 'clientCertificatePassword',
  username: 'username',
  password: 'password',
  'identity-resource-id': 'identityResourceId',
  'tenant-id': 'tenantId',
  subscription: 'subscription',
  environment: 'environment',
  'authority-host': 'authorityHost',
  'federated-token-file': 'federatedTokenFile',
  'azure-pipelines-service-connection-id': 'azurePipelinesServiceConnectionId',
  'cache-dir': 'cacheDir',
  'token-cache-dir': 'cacheDir',
  'pop-claims': 'popClaims',
  'redirect-url': 'redirectUrl',
  'login-hint': 'loginHint',
};
/** Each boolean flag's option field. */
export const BOOLEAN_FIELDS: Record<string, keyof TokenOptions> = {
  legacy: 'legacy',
  'use-azurerm-env-vars': 'useAzurermEnvVars',
  'pop-enabled': 'popEnabled',
  'disable-environment-override': 'disableEnvironmentOverride',
  'disable-instance-discovery': 'disableInstanceDiscovery',
  'force-refresh': 'forceRefresh',
};

export interface Resolved {
  options: TokenOptions;
  /** Long names of flags given on the command line. */
  setFlags: Set<string>;
}

/** Applies flags, then the env step, then returns unvalidated options (see validateTokenOptions). */
export function resolveTokenOptions(flags: SetFlags, env: Env): Resolved {
  const o = {
    loginMethod: 'devicecode',
    serverId: '', clientId: '', clientSecret: '', clientCertificate: '', clientCertificatePassword: '',
    username: '', password: '', identityResourceId: '', tenantId: '', subscription: '',
    environment: DEFAULT_ENVIRONMENT, authorityHost: '', federatedTokenFile: '', azurePipelinesServiceConnectionId: '',
    cacheDir: defaultCacheDir(env), legacy: false, useAzurermEnvVars: false, popEnabled: false, popClaims: '',
    timeoutMs: DEFAULT_TIMEOUT_MS, timeoutSet: false, disableEnvironmentOverride: false,
    disableInstanceDiscovery: false, redirectUrl: '', loginHint: '', forceRefresh: false,
  } as TokenOptions;
  const bag = o as unknown as Record<string, unknown>;
  const setFlags = new Set<string>();
  for (const [name, value] of flags) {
    setFlags.add(name);
    if (name === 'login') o.loginMethod = String(value) as LoginMethod;
    else if (name === 'timeout') {
      const ms = parseDuration(String(value));
      if (ms === undefined) throw new UsageError(`invalid argument "${value}" for "--timeout" flag: time: invalid duration "${value}"; use a duration such as 30s or 2m`);
      o.timeoutMs = wholeMs(ms);
      o.timeoutSet = true;
    } else if (name in STRING_FIELDS) bag[STRING_FIELDS[name]] = String(value);
    else if (name in BOOLEAN_FIELDS) bag[BOOLEAN_FIELDS[name]] = value === true || value === 'true';
  }
  if (!o.disableEnvironmentOverride) applyEnv(o, env);
  // Not one of Azure/kubelogin's variables: a user's one-off switch (`KUBELOGIN_FORCE_REFRESH=true kubectl …`),
  // so a kubeconfig's --disable-environment-override does not turn it off.
  const force = env[ENV.forceRefresh];
  if (force !== undefined) o.forceRefresh = envBoolean(ENV.forceRefresh, force);
  return { options: o, setFlags };
}

function envBoolean(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0' || v === '') return false;
  throw new UsageError(`${name}="${value}" is not a boolean; set it to true or false (or unset it)`);
}

function applyEnv(o: TokenOptions, env: Env): void {
  const take = (field: keyof TokenOptions, ...names: string[]) => {
    for (const name of names) {
      const value = env[name];
      if (value !== undefined) (o as unknown as Record<string, unknown>)[field] = value;
    }
  };
  if (o.useAzurermEnvVars) {
    take('clientId', ENV.armClientId);
    take('clientSecret', ENV.armClientSecret);
    take('clientCertificate', ENV.armClientCertificatePath);
    take('clientCertificatePassword', ENV.armClientCertificatePassword);
    take('tenantId', ENV.armTenantId);
  } else {
    take('clientId', ENV.aadClientId, ENV.azureClientId);
    take('clientSecret', ENV.aadClientSecret, ENV.azureClientSecret);
    take('clientCertificate', ENV.aadClientCertificate, ENV.azureClientCertificatePath);
    take('clientCertificatePassword', ENV.aadClientCertificatePassword, ENV.azureClientCertificatePassword);
    take('tenantId', ENV.azureTenantId);
  }
  take('username', ENV.aadUsername, ENV.azureUsername);
  take('password', ENV.aadPassword, ENV.azurePassword);
  take('loginMethod', ENV.loginMethod);
  // This project honours AZURE_AUTHORITY_HOST for every Entra ID mode (upstream: workload identity only).
  take('authorityHost', ENV.azureAuthorityHost);
  if (o.loginMethod === 'workloadidentity') {
    take('clientId', ENV.azureClientId);
    take('federatedTokenFile', ENV.azureFederatedTokenFile);
  }
  if (o.loginMethod === 'azurepipelines') {
    if (!o.clientId) take('clientId', ENV.pipelinesClientId);
    if (!o.tenantId) take('tenantId', ENV.pipelinesTenantId);
    if (!o.azurePipelinesServiceConnectionId) take('azurePipelinesServiceConnectionId', ENV.pipelinesServiceConnectionId);
  }
  const timeout = env[ENV.cliTimeout];
  const ms = timeout === undefined ? undefined : parseDuration(timeout);
  if (ms !== undefined) {
    o.timeoutMs = wholeMs(ms);
    o.timeoutSet = true;
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
  if (!(LOGIN_METHODS as readonly string[]).includes(o.loginMethod)) {
    throw new UsageError(`'${o.loginMethod}' is not a supported login method. Supported method is one of ${LOGIN_METHODS.join(', ')}`);
  }
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

/** PoP applies to interactive, ropc and spn without --legacy; every other mode ignores --pop-enabled (as upstream). */
export function popApplies(o: Pick<TokenOptions, 'popEnabled' | 'loginMethod' | 'legacy'>): boolean {
  if (!o.popEnabled) return false;
  return o.loginMethod === 'interactive' || o.loginMethod === 'ropc' || (o.loginMethod === 'spn' && !o.legacy);
}

/** GetScope: trims trailing slashes and appends /.default unless already there. */
export function scopeFor(serverId: string): string {
  if (serverId.endsWith('/.default')) return serverId;
  return serverId.replace(/\/+$/, '') + '/.default';
}

/** The Entra ID authority host (with trailing slash): --authority-host wins over --environment. */
export function authorityHostFor(o: Pick<TokenOptions, 'authorityHost' | 'environment'>): string {
  if (o.authorityHost) return o.authorityHost;
  return cloudAuthorityHost(o.environment);
}
