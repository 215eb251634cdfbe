// Every HTTP exchange with Entra ID, a managed identity endpoint or an OIDC token service goes through
// here, MSAL's included: each secret the request carries (form fields, credential headers) and each one
// the answer holds is registered with the logger before anything can print it, so an upstream that
// echoes a code_verifier, a refresh token or IDENTITY_HEADER in its error gets [REDACTED] (issue 10, point 5).
import { directFetch, proxiedFetch, type HttpAnswer } from '../platform/net';
import type { Logger } from '../platform/log';
import type { LoginContext } from './types';

/** OAuth/OIDC fields that carry a credential, sent (form) or received (JSON). */
const SECRET_FIELDS = new Set([
  'client_secret', 'client_assertion', 'assertion', 'password', 'refresh_token', 'code', 'code_verifier',
  'device_code', 'access_token', 'id_token', 'token', 'oidcToken', 'value',
]);
/** Request headers that carry a credential (App Service's IDENTITY_HEADER, Service Fabric's secret, Bearer/Basic). */
const SECRET_HEADERS = new Set(['authorization', 'x-identity-header', 'secret']);

export interface WireReply {
  status: number;
  headers: HttpAnswer['headers'];
  text: string;
}

/** fetch through the proxy rules (managed identity: `direct`), with both directions' secrets registered. */
export async function exchange(ctx: LoginContext, url: string, init: RequestInit, route: 'proxy' | 'direct' = 'proxy'): Promise<WireReply> {
  registerSent(ctx.log, init);
  const res = route === 'direct' ? await directFetch(url, init, ctx.env, ctx.log) : await proxiedFetch(url, init, ctx.env, ctx.log);
  const text = await res.text();
  registerReceived(ctx.log, text);
  return { status: res.status, headers: res.headers, text };
}

export function registerSent(log: Logger, init: Pick<RequestInit, 'headers' | 'body'>): void {
  // Plain objects or pairs (not `new Headers`: that global loads fetch's undici, ~30 ms of a cold miss).
  const headers = Array.isArray(init.headers) ? init.headers : Object.entries((init.headers ?? {}) as Record<string, string>);
  for (const [name, value] of headers) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) continue;
    log.secret(String(value));
    log.secret(String(value).replace(/^(Bearer|Basic|PoP)\s+/i, ''));
  }
  const body = init.body;
  const form = typeof body === 'string' ? new URLSearchParams(body) : body instanceof URLSearchParams ? body : undefined;
  form?.forEach((value, name) => {
    if (SECRET_FIELDS.has(name)) log.secret(value);
  });
}

export function registerReceived(log: Logger, text: string): void {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return;
  }
  if (!data || typeof data !== 'object') return;
  for (const [name, value] of Object.entries(data)) {
    if (typeof value === 'string' && SECRET_FIELDS.has(name)) log.secret(value);
  }
}
