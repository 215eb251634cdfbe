// --login msi: does the managed identity endpoint MSAL would pick (from the same environment
// variables) answer within a short timeout, and does it know the identity? The token it may return
// is thrown away, never shown. Never through a proxy (the endpoints are local or link-local).
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import { fail, pass, type CheckResult, type Subject } from './check';

const TIMEOUT_MS = 2_000;
const IMDS = 'http://169.254.169.254';

interface Endpoint {
  source: string;
  url: URL;
  headers: Record<string, string>;
}

/** MSAL's order: Service Fabric, App Service, Cloud Shell, Azure Arc, then IMDS. */
function endpointOf(env: Env, o: TokenOptions): Endpoint {
  const resource = o.serverId.replace(/\/\.default$/, '');
  const id = (url: URL, clientIdName = 'client_id', resourceIdName = 'mi_res_id') => {
    url.searchParams.set('resource', resource);
    if (o.clientId) url.searchParams.set(clientIdName, o.clientId);
    else if (o.identityResourceId) url.searchParams.set(resourceIdName, o.identityResourceId);
    return url;
  };
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER && env.IDENTITY_SERVER_THUMBPRINT) {
    return { source: 'Service Fabric', url: id(new URL(`${env.IDENTITY_ENDPOINT}?api-version=2019-07-01-preview`)), headers: { secret: env.IDENTITY_HEADER } };
  }
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) {
    return { source: 'App Service', url: id(new URL(`${env.IDENTITY_ENDPOINT}?api-version=2019-08-01`)), headers: { 'X-IDENTITY-HEADER': env.IDENTITY_HEADER } };
  }
  if (env.MSI_ENDPOINT) return { source: 'Cloud Shell', url: id(new URL(env.MSI_ENDPOINT)), headers: { Metadata: 'true' } };
  if (env.IDENTITY_ENDPOINT && env.IMDS_ENDPOINT) {
    return { source: 'Azure Arc', url: id(new URL(`${env.IDENTITY_ENDPOINT}?api-version=2020-06-01`)), headers: { Metadata: 'true' } };
  }
  const host = (env.AZURE_POD_IDENTITY_AUTHORITY_HOST || IMDS).replace(/\/+$/, '');
  return { source: 'IMDS', url: id(new URL(`${host}/metadata/identity/oauth2/token?api-version=2018-02-01`), 'client_id', 'msi_res_id'), headers: { Metadata: 'true' } };
}

export async function checkManagedIdentity(s: Subject): Promise<CheckResult> {
  const o = s.options!;
  const ep = endpointOf(s.env, o);
  const where = `${ep.source} at ${ep.url.origin}${ep.url.pathname}`;
  let status: number;
  let body: string;
  try {
    const res = await fetch(ep.url, { headers: ep.headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    status = res.status;
    body = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${TIMEOUT_MS / 1000}s` : e.cause?.code ?? e.cause?.message ?? e.message;
    return fail('managed-identity', `managed identity endpoint (${where}) is not answering (${why})`, 'run on an Azure VM, AKS node/pod or App Service with a managed identity (or check the network policy), or pick another --login');
  }
  // Azure Arc answers 401 with a challenge first: that is an answer.
  if (status === 200 || (ep.source === 'Azure Arc' && status === 401)) return pass('managed-identity', `managed identity endpoint (${where}) answers${status === 200 ? ': a token is available for this identity' : ''}`);
  const said = describe(body);
  if (/identity not found|not assigned|no managed identity/i.test(said)) {
    return fail('managed-identity', `managed identity endpoint (${where}) does not know this identity (HTTP ${status}: ${said})`, o.clientId || o.identityResourceId
      ? 'assign the user-assigned identity named by --client-id / --identity-resource-id to this VM or pod, or fix the id'
      : 'enable the system-assigned identity, or pass --client-id of an assigned user-assigned identity');
  }
  return fail('managed-identity', `managed identity endpoint (${where}) answered HTTP ${status}${said ? `: ${said}` : ''}`, 'retry later; if it persists, check the identity assignment and the endpoint');
}

function describe(body: string): string {
  try {
    const j = JSON.parse(body) as { error_description?: unknown; error?: unknown; message?: unknown };
    const text = j.error_description ?? j.message ?? j.error;
    return typeof text === 'string' ? text.split(/\r?\n/)[0].slice(0, 200) : '';
  } catch {
    return body.split(/\r?\n/)[0].slice(0, 200);
  }
}
