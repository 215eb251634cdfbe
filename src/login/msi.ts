// --login msi: a managed identity token through MSAL's ManagedIdentityApplication (IMDS, App Service,
// Azure Arc, Cloud Shell, Service Fabric, chosen by MSAL from the environment), with retries MSAL lacks.
import { AuthError, KubeloginError, TimeoutError } from '../errors';
import { managedIdentityClient, run, toAccessToken, type ManagedIdentityIdParams } from './msal';
import type { AccessToken, LoginContext } from './types';
import type { TokenOptions } from '../cli/options';
import { sleep } from '../platform/clock';
import { resourceOf } from './scope';

/** Our retries on top of MSAL's: delays before the 2nd, 3rd and 4th attempt. */
const BACKOFF_MS = [500, 1000, 2000];

interface Failure {
  status?: number;
  /** MSAL's error code: network_error when no HTTP answer came. */
  code?: string;
  description: string;
}

export async function msi(ctx: LoginContext): Promise<AccessToken> {
  const app = managedIdentityClient(ctx, identityOf(ctx.options));
  const source = app.getManagedIdentitySource();
  const resource = resourceOf(ctx.scope);
  ctx.log.v(5, `msi: source=${source} endpoint=${endpointOf(source)} identity=${describeIdentity(ctx.options)} resource=${resource}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return toAccessToken(await run(ctx, 'managed identity', () => app.acquireToken({ resource, forceRefresh: ctx.options.forceRefresh })), ctx);
    } catch (err) {
      const failure = failureOf(err);
      const delay = BACKOFF_MS[attempt - 1];
      if (delay === undefined || !retriable(source, failure) || ctx.signal.aborted) throw explain(ctx, source, failure, attempt, err);
      ctx.log.v(5, `msi: attempt ${attempt} failed (${failure.status ?? failure.code}); retrying in ${delay}ms`);
      if (!(await sleep(delay, ctx.signal))) throw explain(ctx, source, failure, attempt, err);
    }
  }
}

/** A client id wins over a resource id (Azure/kubelogin); neither means system-assigned. */
function identityOf(o: Pick<TokenOptions, 'clientId' | 'identityResourceId'>): ManagedIdentityIdParams {
  if (o.clientId) return { userAssignedClientId: o.clientId };
  if (o.identityResourceId) return { userAssignedResourceId: o.identityResourceId };
  return {};
}

function describeIdentity(o: TokenOptions): string {
  if (o.clientId) return `client id ${o.clientId}`;
  if (o.identityResourceId) return `resource id ${o.identityResourceId}`;
  return 'system-assigned';
}

/** Reads MSAL's own error (the cause run() keeps), whatever toError made of it. */
function failureOf(err: unknown): Failure {
  if (err instanceof TimeoutError) return { code: 'timeout', description: err.message };
  type MsalError = { errorCode?: string; errorMessage?: string; status?: number; message?: string };
  const msal: MsalError = ((err as { cause?: unknown }).cause as MsalError | undefined) ?? {};
  const details = err instanceof AuthError ? err.details : {};
  const text = msal.errorMessage || msal.message || (err as Error).message || '';
  const described = /Description: ([\s\S]*?) - (?:Correlation ID|Trace ID):/.exec(text)?.[1] ?? text;
  return {
    status: msal.status ?? details.status,
    code: msal.errorCode ?? details.error,
    description: described.split(/\r?\n|, additionalErrorInfo| Trace ID:/)[0].trim(),
  };
}

// What MSAL already retried (3 times, msal-node src/retry/*RetryPolicy.ts): IMDS every 5xx and
// 404/408/410/429; the other sources 404/408/429/500/503/504. It never retries a failed connection.
function retriable(source: string, f: Failure): boolean {
  if (f.status === undefined) return f.code === 'network_error';
  if (f.status !== 429 && (f.status < 500 || f.status > 599)) return false;
  const msalRetried = /imds/i.test(source) || [429, 500, 503, 504].includes(f.status);
  return !msalRetried;
}

/** For messages. MSAL reads process.env itself, so this does too. */
function endpointOf(source: string): string {
  const env = process.env;
  if (/imds/i.test(source)) return `IMDS at ${env.AZURE_POD_IDENTITY_AUTHORITY_HOST || 'http://169.254.169.254'}`;
  return `${source} at ${env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT || 'its endpoint'}`;
}

/** One line: what happened, then what to do. */
function explain(ctx: LoginContext, source: string, f: Failure, attempts: number, cause: unknown): KubeloginError {
  const where = endpointOf(source);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (f.code === 'timeout') {
    const seconds = ctx.options.timeoutMs / 1000;
    return new TimeoutError(`no token from the managed identity endpoint (${where}) within --timeout (${seconds}s): it is unreachable, blocked or failing (see -v 6); raise --timeout or use another --login`, { cause });
  }
  if (f.code === 'network_error' && f.status === undefined) {
    return new AuthError(`cannot reach the managed identity endpoint (${where})${tries}: not running on Azure, or the endpoint is blocked (network policy, proxy); use another --login`, { error: f.code }, { cause });
  }
  const said = ctx.log.scrub(f.description) || `HTTP ${f.status}`;
  const details = { error: f.code, status: f.status };
  if (/identity not found|no managed identity|not assigned|unknown identity/i.test(said)) return new AuthError(`${notFound(ctx.options)} (${where}: ${said})`, details, { cause });
  if (f.status !== undefined && (f.status === 429 || f.status >= 500)) {
    return new AuthError(`managed identity endpoint (${where}) answered HTTP ${f.status}${tries}: ${said}; it is unavailable or throttling, retry later`, details, { cause });
  }
  return new AuthError(`failed to get token from the managed identity endpoint (${where}): ${f.code ? `${f.code}: ` : ''}${said}`, details, { cause });
}

function notFound(o: TokenOptions): string {
  if (o.clientId) return `managed identity with client id ${o.clientId} not found: check that --client-id (or AZURE_CLIENT_ID / AAD_SERVICE_PRINCIPAL_CLIENT_ID) names a user-assigned identity assigned to this VM or pod`;
  if (o.identityResourceId) return `managed identity ${o.identityResourceId} not found: check that --identity-resource-id names a user-assigned identity assigned to this VM or pod`;
  return 'no system-assigned managed identity here: enable it on the VM or pod, or pass --client-id / --identity-resource-id of an assigned user-assigned identity';
}
