// The few Entra ID requests made without MSAL (v1 `--legacy`, PoP form fields, OIDC assertion
// fetches): fetch under the --timeout signal, Entra errors turned into one line. Bodies are never logged.
import { AuthError, ConfigError, TimeoutError, errorMessage, oneLine } from '../errors';
import { entraErrorMessage, parseOAuthError } from './aadsts';
import { exchange } from './wire';
import type { AccessToken, LoginContext } from './types';

/** `<authority host><tenant>`; MSAL trusts it as given (no instance discovery), so sovereign and test hosts work. */
export function authorityFor(ctx: LoginContext, tenant = ctx.options.tenantId || 'organizations'): string {
  return ctx.authorityHost + tenant;
}

export interface HttpReply {
  status: number;
  body: string;
  contentType?: string;
}

/** An answer that is not the JSON an authority sends: an HTML error page, a captive portal, a proxy's block page. */
export function notJson(url: string, reply: Pick<HttpReply, 'status' | 'contentType'>): string {
  const type = reply.contentType ? `, ${reply.contentType.split(';')[0]}` : '';
  return `${new URL(url).host} answered HTTP ${reply.status} with something that is not JSON${type ? ` (${type.slice(2)})` : ''}: check --authority-host / --environment, or a proxy in between`;
}

/** fetch under the --timeout signal; never logs bodies. */
export async function send(ctx: LoginContext, what: string, url: string, init: RequestInit): Promise<HttpReply> {
  const timedOut = () => new TimeoutError(`${what}: timed out after --timeout waiting for ${new URL(url).host}; raise --timeout or check the network`);
  if (ctx.signal.aborted) throw timedOut();
  ctx.log.v(6, `${init.method ?? 'GET'} ${new URL(url).origin}${new URL(url).pathname}`);
  try {
    const { status, text, headers } = await exchange(ctx, url, { ...init, signal: ctx.signal });
    const reply = { status, body: text, contentType: headers.get('content-type') ?? undefined };
    ctx.log.v(6, `${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${reply.status}`);
    return reply;
  } catch (err) {
    if (ctx.signal.aborted) throw timedOut();
    throw new ConfigError(`${what}: ${errorMessage(err)}`, { cause: err });
  }
}

/** `<authority>/oauth2/v2.0/token`, for the few token requests we make ourselves. */
export function v2TokenEndpoint(ctx: LoginContext): string {
  return `${authorityFor(ctx)}/oauth2/v2.0/token`;
}

/** POSTs a v2 token request without MSAL (for form fields MSAL node will not send, such as PoP's). */
export function v2TokenRequest(ctx: LoginContext, what: string, form: Record<string, string>): Promise<AccessToken> {
  return postTokenForm(ctx, what, v2TokenEndpoint(ctx), form);
}

/** POSTs a form to a v1 or v2 token endpoint; Entra errors become one AuthError line with the AADSTS remedy. */
export async function postTokenForm(ctx: LoginContext, what: string, url: string, form: Record<string, string>): Promise<AccessToken> {
  const reply = await send(ctx, what, url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  let json: { access_token?: unknown; expires_in?: unknown; expires_on?: unknown };
  try {
    json = JSON.parse(reply.body) as typeof json;
  } catch {
    throw new ConfigError(`${what}: ${notJson(url, reply)}`);
  }
  if (reply.status !== 200) {
    const e = parseOAuthError(reply.status, reply.body);
    throw new AuthError(entraErrorMessage(what, e), { error: e.error, errorCodes: e.codes, status: reply.status });
  }
  if (typeof json.access_token !== 'string' || !json.access_token) throw new AuthError(`${what}: the identity provider returned no access token`);
  ctx.log.secret(json.access_token);
  // v1 sends numbers as strings and adds expires_on (epoch seconds); v2 sends only expires_in (a lifetime).
  const on = Number(json.expires_on);
  const lifetime = Number(json.expires_in);
  return { token: json.access_token, expiresOn: on > 0 ? on * 1000 : ctx.now() + (lifetime > 0 ? lifetime : 3600) * 1000 };
}

/** A response body fit for one error line: token-shaped values removed, cut short. */
export function shortBody(ctx: LoginContext, body: string): string {
  const line = oneLine(ctx.log.scrub(body));
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** A string field of a JSON response body, or undefined. */
export function jsonField(body: string, field: string): string | undefined {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
