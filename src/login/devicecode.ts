// --login devicecode: the RFC 8628 device authorization grant, polled here because MSAL's poller gives
// up on `slow_down`. The refresh token is then handed to MSAL (acquireTokenByRefreshToken) so that its
// cache holds the account and later runs refresh silently. --legacy uses Entra's v1 endpoints with
// `resource` (audience `spn:<server id>`) and keeps no refresh token, as Azure/kubelogin does.
import { AuthError, ConfigError, TimeoutError, errorMessage } from '../errors';
import { sleep } from '../platform/clock';
import { entraErrorMessage, parseOAuthError } from './aadsts';
import { authorityFor, notJson, send } from './http';
import { run, toAccessToken, type PublicClientApplication } from './msal';
import { adalResource } from './scope';
import type { AccessToken, LoginContext } from './types';
import { noPerson, userFlow } from './user-flow';

const CREDENTIAL = 'DeviceCodeCredential';
const WHAT = `failed to authenticate: ${CREDENTIAL}`;
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Grant {
  deviceCodeUrl: string;
  tokenUrl: string;
  start: Record<string, string>;
  poll: (deviceCode: string) => Record<string, string>;
}

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri?: string;
  verification_url?: string;
  expires_in?: number | string;
  interval?: number | string;
  message?: string;
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
  expires_in?: number | string;
  expires_on?: number | string;
}

type Body = Record<string, unknown> & { error?: string; error_description?: string };

export async function devicecode(ctx: LoginContext): Promise<AccessToken> {
  if (ctx.options.legacy) {
    if (!ctx.canPrompt) throw noPerson(CREDENTIAL, ctx.promptWhy);
    return fromTokens(ctx, await deviceFlow(ctx, v1Grant(ctx)));
  }
  // --login-hint selects among the tenant's cached accounts (the device code page cannot be pre-filled).
  const account = ctx.options.loginHint || undefined;
  return userFlow(ctx, { credential: CREDENTIAL, account, needsPerson: true, login: (app) => signIn(ctx, app) });
}

async function signIn(ctx: LoginContext, app: PublicClientApplication): Promise<AccessToken> {
  const tokens = await deviceFlow(ctx, v2Grant(ctx));
  if (!tokens.refresh_token || !ctx.cachePlugin) return fromTokens(ctx, tokens);
  try {
    const request = { refreshToken: tokens.refresh_token, scopes: [ctx.scope], forceCache: true };
    return toAccessToken(await run(ctx, 'failed to store sign-in', () => app.acquireTokenByRefreshToken(request)), ctx);
  } catch (err) {
    ctx.log.warn(`could not keep the sign-in for later runs (${errorMessage(err)}); the next sign-in will ask for a code again`);
    return fromTokens(ctx, tokens);
  }
}

function v2Grant(ctx: LoginContext): Grant {
  const base = `${authorityFor(ctx)}/oauth2/v2.0`;
  const client_id = ctx.options.clientId;
  return {
    deviceCodeUrl: `${base}/devicecode`,
    tokenUrl: `${base}/token`,
    start: { client_id, scope: `${ctx.scope} openid profile offline_access` },
    poll: (device_code) => ({ grant_type: DEVICE_CODE_GRANT, client_id, device_code, client_info: '1' }),
  };
}

function v1Grant(ctx: LoginContext): Grant {
  const base = `${authorityFor(ctx)}/oauth2`;
  const client_id = ctx.options.clientId;
  const resource = adalResource(ctx.scope);
  return {
    deviceCodeUrl: `${base}/devicecode`,
    tokenUrl: `${base}/token`,
    start: { client_id, resource },
    poll: (code) => ({ grant_type: 'device_code', client_id, code, resource }),
  };
}

async function deviceFlow(ctx: LoginContext, grant: Grant): Promise<Tokens> {
  const started = ctx.now();
  const { status, body, raw } = await post(ctx, grant.deviceCodeUrl, grant.start);
  if (status !== 200 || !body.device_code) throw oauthError(status, raw);
  const auth = body as unknown as DeviceAuthorization;
  ctx.log.secret(auth.device_code);
  ctx.log.prompt(auth.message || `To sign in, use a web browser to open the page ${auth.verification_uri ?? auth.verification_url} and enter the code ${auth.user_code} to authenticate.`);
  if (ctx.options.loginHint && !ctx.options.legacy) ctx.log.prompt(`Sign in as ${ctx.options.loginHint} (--login-hint).`);
  const lifetime = seconds(auth.expires_in, 900);
  const deadline = started + lifetime * 1000;
  let interval = seconds(auth.interval, 5);
  for (;;) {
    await wait(ctx, Math.min(interval * 1000, deadline - ctx.now()));
    if (ctx.now() >= deadline) throw expired(lifetime);
    const answer = await post(ctx, grant.tokenUrl, grant.poll(auth.device_code), true);
    if (answer.status === 200 && answer.body.access_token) return secret(ctx, answer.body as unknown as Tokens);
    const error = answer.body.error;
    if (error === 'authorization_pending') continue;
    if (error === 'slow_down') {
      interval += 5; // RFC 8628 §3.5
      ctx.log.v(5, `${CREDENTIAL}: slow_down: polling every ${interval}s`);
    } else if (error === 'expired_token' || error === 'code_expired') throw expired(lifetime);
    else if (error === 'authorization_declined' || error === 'access_denied') throw declined(answer.body, answer.status);
    else if (answer.status >= 500) ctx.log.v(2, `${CREDENTIAL}: token endpoint answered ${answer.status}; polling on`);
    else throw oauthError(answer.status, answer.raw);
  }
}

/** A form POST; `polling`: a 5xx page that is not JSON is a passing outage, polled through. */
async function post(
  ctx: LoginContext,
  url: string,
  params: Record<string, string>,
  polling = false,
): Promise<{ status: number; body: Body; raw: string }> {
  let reply;
  try {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    reply = await send(ctx, WHAT, url, { method: 'POST', body: new URLSearchParams(params).toString(), headers });
  } catch (err) {
    if (err instanceof TimeoutError) throw timedOut(ctx);
    throw err;
  }
  try {
    return { status: reply.status, body: JSON.parse(reply.body) as Body, raw: reply.body };
  } catch {
    if (polling && reply.status >= 500) return { status: reply.status, body: {}, raw: reply.body };
    throw new ConfigError(`${WHAT}: ${notJson(url, reply)}`);
  }
}

async function wait(ctx: LoginContext, ms: number): Promise<void> {
  if (!(await sleep(ms, ctx.signal))) throw timedOut(ctx);
}


function secret(ctx: LoginContext, t: Tokens): Tokens {
  ctx.log.secret(t.access_token);
  ctx.log.secret(t.refresh_token);
  return t;
}

function fromTokens(ctx: LoginContext, t: Tokens): AccessToken {
  const expiresOn = t.expires_on ? Number(t.expires_on) * 1000 : ctx.now() + seconds(t.expires_in, 3600) * 1000;
  return { token: t.access_token, expiresOn };
}

function seconds(value: number | string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function timedOut(ctx: LoginContext): TimeoutError {
  return new TimeoutError(`${WHAT}: context deadline exceeded (the sign-in did not complete within --timeout ${ctx.options.timeoutMs / 1000}s); enter the code sooner, or raise --timeout (or AZURE_CLI_TIMEOUT)`);
}

function expired(lifetime: number): AuthError {
  return new AuthError(`${WHAT}: expired_token: the device code expired before the sign-in was completed; run the command again and enter the code within ${lifetime}s`, { error: 'expired_token' });
}

function declined(body: Body, status: number): AuthError {
  return new AuthError(`${WHAT}: ${body.error}: the sign-in was declined; run the command again and approve it with the intended account`, { error: body.error, status });
}

/** Entra's OAuth error as one line with the AADSTS remedy (login/aadsts.ts). */
function oauthError(status: number, body: string): AuthError {
  const e = parseOAuthError(status, body);
  return new AuthError(entraErrorMessage(WHAT, e), { error: e.error, errorCodes: e.codes, status });
}
