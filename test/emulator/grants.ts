// The token endpoints (v2 `/oauth2/v2.0/token` and legacy v1 `/oauth2/token`): one function per grant type.
import { createHash } from 'node:crypto';
import type { Core } from './core';
import { json, type Ctx, type Handler, type Reply } from './http';
import { authenticateClient, findClient, type ClientAuthMethod } from './clients';
import { errors } from './errors';
import { accessTokenClaims, clientInfo, idTokenClaims, nowSeconds, opaque } from './jwt';
import { parseScope } from './scopes';
import { isTenantAlias, type App, type User } from './state';
import { pollDeviceCode } from './devicecode';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export function tokenHandler(core: Core, v1: boolean): Handler {
  return async (ctx) => {
    const grant = ctx.form.get('grant_type');
    if (!grant) throw errors.missingParameter('grant_type');
    switch (grant) {
      case 'client_credentials':
        return clientCredentials(core, ctx, v1);
      case 'refresh_token':
        return refreshToken(core, ctx, v1);
      case 'password':
        return password(core, ctx, v1);
      case 'authorization_code':
        return authorizationCode(core, ctx, v1);
      case DEVICE_CODE_GRANT:
      case 'device_code':
        return deviceCode(core, ctx, v1);
      default:
        throw errors.unsupportedGrant(grant);
    }
  };
}

/** What the token is for: v2 reads `scope`, v1 reads `resource`. */
interface Target {
  resource: string;
  scope: string;
  openid: boolean;
  offline: boolean;
}

function target(ctx: Ctx, v1: boolean, clientCredentials: boolean, fallbackScope?: string): Target {
  if (v1) {
    const resource = ctx.form.get('resource');
    if (!resource) throw errors.missingParameter('resource');
    return { resource, scope: 'user_impersonation', openid: true, offline: !clientCredentials };
  }
  const scope = ctx.form.get('scope') ?? fallbackScope;
  if (!scope) throw errors.missingParameter('scope');
  return scopeTarget(scope, clientCredentials);
}

function scopeTarget(scope: string, clientCredentials: boolean): Target {
  const parsed = parseScope(scope, { clientCredentials });
  return { resource: parsed.resource, scope: parsed.scopes.join(' '), openid: parsed.hasOpenId, offline: parsed.hasOfflineAccess };
}

/** PoP (`token_type=pop` + `req_cnf`, v2 only): the access token names the caller's key in `cnf.kid`, as Entra does. */
function popBinding(ctx: Ctx, v1: boolean): { cnf: { kid: string } } | undefined {
  if (v1 || ctx.form.get('token_type') !== 'pop') return undefined;
  const reqCnf = ctx.form.get('req_cnf');
  if (!reqCnf) throw errors.missingParameter('req_cnf');
  let kid: unknown;
  try {
    kid = JSON.parse(Buffer.from(reqCnf, 'base64url').toString('utf8')).kid;
  } catch {
    kid = undefined;
  }
  if (typeof kid !== 'string' || !kid) throw errors.badReqCnf();
  return { cnf: { kid } };
}

async function clientCredentials(core: Core, ctx: Ctx, v1: boolean): Promise<Reply> {
  const app = findClient(core, ctx);
  const method = await authenticateClient(core, ctx, app, false);
  const t = target(ctx, v1, true);
  const pop = popBinding(ctx, v1);
  const tenantId = core.state.tokenTenant(ctx.tenant, app.tenantId);
  const lifetime = core.state.tokenLifetimeSeconds;
  const accessToken = await core.signer.sign(
    accessTokenClaims({
      issuerBase: core.url, tenantId, audience: t.resource, clientId: app.clientId, lifetimeSeconds: lifetime, v1,
      appObjectId: app.objectId, membership: app, extra: { azpacr: method === 'secret' ? '1' : '2', appidacr: method === 'secret' ? '1' : '2', ...pop },
    }),
  );
  return json(200, tokenResponse(v1, t, lifetime, { access_token: accessToken }, pop ? 'pop' : 'Bearer'));
}

function tokenResponse(v1: boolean, t: Target, lifetime: number, tokens: Record<string, string>, tokenType = 'Bearer'): Record<string, unknown> {
  if (v1) {
    const now = nowSeconds();
    return {
      token_type: 'Bearer', scope: t.scope, expires_in: String(lifetime), ext_expires_in: String(lifetime),
      expires_on: String(now + lifetime), not_before: String(now), resource: t.resource, ...tokens,
    };
  }
  return { token_type: tokenType, scope: t.scope, expires_in: lifetime, ext_expires_in: lifetime, ...tokens };
}

function userInTenant(ctx: Ctx, user: User): void {
  if (user.tenantId && !isTenantAlias(ctx.tenant) && user.tenantId.toLowerCase() !== ctx.tenant.toLowerCase()) {
    throw errors.unknownUser(ctx.tenant);
  }
}

/** Access token, plus refresh token, id token and client_info as the request asked for them. */
export async function issueUserTokens(
  core: Core, ctx: Ctx, v1: boolean, app: App, user: User, t: Target, nonce?: string,
): Promise<Reply> {
  userInTenant(ctx, user);
  const tenantId = core.state.tokenTenant(ctx.tenant, user.tenantId);
  const lifetime = core.state.tokenLifetimeSeconds;
  const who = { oid: user.oid, username: user.username, name: user.name };
  const pop = popBinding(ctx, v1);
  const tokens: Record<string, string> = {
    access_token: await core.signer.sign(
      accessTokenClaims({
        issuerBase: core.url, tenantId, audience: t.resource, clientId: app.clientId, lifetimeSeconds: lifetime,
        v1, user: who, membership: user, extra: pop,
      }),
    ),
  };
  if (t.offline) {
    const rt = opaque(48);
    const now = nowSeconds();
    const grant = { username: user.username, clientId: app.clientId, tenantId, issuedAt: now, lastUsed: now, used: false };
    core.state.refreshTokens.set(rt, grant);
    tokens.refresh_token = rt;
  }
  if (t.openid) {
    const idClaims = idTokenClaims({ issuerBase: core.url, tenantId, clientId: app.clientId, user: who, nonce, v1 });
    tokens.id_token = await core.signer.sign(idClaims);
  }
  if (ctx.form.get('client_info') === '1') tokens.client_info = clientInfo(user.oid, tenantId);
  return json(200, tokenResponse(v1, t, lifetime, tokens, pop ? 'pop' : 'Bearer'));
}

async function userClient(core: Core, ctx: Ctx): Promise<{ app: App; method: ClientAuthMethod }> {
  const app = findClient(core, ctx);
  return { app, method: await authenticateClient(core, ctx, app, true) };
}

async function password(core: Core, ctx: Ctx, v1: boolean): Promise<Reply> {
  const { app } = await userClient(core, ctx);
  const username = ctx.form.get('username');
  const pass = ctx.form.get('password');
  if (!username) throw errors.missingParameter('username');
  if (pass === null) throw errors.missingParameter('password');
  const user = core.state.findUser(username);
  if (!user) throw errors.unknownUser(ctx.tenant);
  userInTenant(ctx, user);
  if (user.password !== pass) throw errors.badPassword();
  return issueUserTokens(core, ctx, v1, app, user, target(ctx, v1, false));
}

async function refreshToken(core: Core, ctx: Ctx, v1: boolean): Promise<Reply> {
  const { app } = await userClient(core, ctx);
  const rt = ctx.form.get('refresh_token');
  if (!rt) throw errors.missingParameter('refresh_token');
  const grant = core.state.refreshTokens.get(rt);
  if (!grant) throw errors.invalidGrant('refresh_token');
  if (grant.clientId.toLowerCase() !== app.clientId.toLowerCase()) throw errors.clientMismatch();
  const now = nowSeconds();
  if (grant.revokedAt !== undefined) throw errors.refreshRevoked(new Date(grant.issuedAt * 1000), new Date(grant.revokedAt * 1000));
  const lifetime = core.state.refreshTokenLifetimeSeconds;
  if (now - grant.lastUsed >= lifetime) throw errors.refreshExpired(new Date(grant.issuedAt * 1000), timespan(lifetime));
  if (grant.used && core.state.strictRefreshRotation) throw errors.refreshReused();
  const user = core.state.findUser(grant.username);
  if (!user) throw errors.invalidGrant('refresh_token');
  grant.used = true;
  grant.lastUsed = now;
  return issueUserTokens(core, ctx, v1, app, user, target(ctx, v1, false));
}

/** .NET TimeSpan text, as Entra prints inactivity periods ("90.00:00:00"). */
function timespan(seconds: number): string {
  const s = Math.max(0, seconds);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(s / 86400)}.${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

async function authorizationCode(core: Core, ctx: Ctx, v1: boolean): Promise<Reply> {
  const { app } = await userClient(core, ctx);
  const code = ctx.form.get('code');
  if (!code) throw errors.missingParameter('code');
  const entry = core.state.authCodes.get(code);
  if (!entry) throw errors.invalidGrant('code');
  if (entry.redeemed) throw errors.codeRedeemed();
  if (Date.now() > entry.expiresAt) throw errors.codeExpired();
  if (entry.clientId.toLowerCase() !== app.clientId.toLowerCase()) throw errors.clientMismatch();
  if ((ctx.form.get('redirect_uri') ?? '') !== entry.redirectUri) throw errors.redirectMismatch();
  if (entry.codeChallenge) {
    const verifier = ctx.form.get('code_verifier') ?? '';
    const computed = entry.codeChallengeMethod === 'plain' ? verifier : createHash('sha256').update(verifier).digest('base64url');
    if (computed !== entry.codeChallenge) throw errors.pkceMismatch();
  }
  entry.redeemed = true;
  const user = core.state.findUser(entry.username)!;
  return issueUserTokens(core, ctx, v1, app, user, target(ctx, v1, false, entry.scope), entry.nonce);
}

async function deviceCode(core: Core, ctx: Ctx, v1: boolean): Promise<Reply> {
  const { app } = await userClient(core, ctx);
  const entry = pollDeviceCode(core, ctx, app, v1);
  const user = core.state.findUser(entry.approvedBy!)!;
  const t: Target = v1
    ? { resource: entry.resource!, scope: 'user_impersonation', openid: true, offline: true }
    : scopeTarget(entry.scope, false);
  return issueUserTokens(core, ctx, v1, app, user, t);
}
