// Client authentication at the token endpoint: secret, certificate assertion, federated assertion, or none.
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { timingSafeEqual } from 'node:crypto';
import type { Core } from './core';
import type { Ctx } from './http';
import { isTenantAlias, type App } from './state';
import { errors } from './errors';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export type ClientAuthMethod = 'secret' | 'certificate' | 'federated' | 'none';

/** client_secret_basic: `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(ctx: Ctx): { clientId: string; secret: string } | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(String(ctx.headers.authorization ?? ''))?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export function findClient(core: Core, ctx: Ctx): App {
  const basic = basicCredentials(ctx);
  if (basic && !ctx.form.has('client_id')) ctx.form.set('client_id', basic.clientId);
  const clientId = ctx.form.get('client_id');
  if (!clientId) throw errors.missingParameter('client_id');
  ctx.record.clientId ??= clientId;
  const app = core.state.findApp(clientId);
  const wrongTenant = app?.tenantId && !isTenantAlias(ctx.tenant) && app.tenantId.toLowerCase() !== ctx.tenant.toLowerCase();
  if (!app || wrongTenant) throw errors.unknownApp(clientId, ctx.tenant);
  return app;
}

const isPublic = (app: App) => app.publicClient ?? !(app.secret || app.certificatePem || app.federated?.length);

/** Authenticates the caller as `app`; user flows may go without credentials when the app is a public client. */
export async function authenticateClient(core: Core, ctx: Ctx, app: App, userFlow: boolean): Promise<ClientAuthMethod> {
  const secret = ctx.form.get('client_secret') ?? basicCredentials(ctx)?.secret ?? null;
  const assertion = ctx.form.get('client_assertion');
  if (secret !== null) {
    if (!app.secret || !safeEqual(secret, app.secret)) throw errors.badSecret(app.clientId);
    return 'secret';
  }
  if (assertion !== null) {
    if (ctx.form.get('client_assertion_type') !== JWT_BEARER) throw errors.badAssertionType();
    return verifyAssertion(core, ctx, app, assertion);
  }
  if (userFlow && isPublic(app)) return 'none';
  throw errors.credentialRequired();
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function verifyAssertion(core: Core, ctx: Ctx, app: App, assertion: string): Promise<ClientAuthMethod> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(assertion);
    payload = decodeJwt(assertion);
  } catch {
    throw errors.malformedAssertion();
  }
  const x5tS256 = header['x5t#S256'] as string | undefined;
  if (x5tS256 || header.x5t) return verifyCertificateAssertion(core, ctx, app, assertion, header.x5t, x5tS256);
  if (payload.iss === core.federatedIssuer) return verifyFederatedAssertion(core, app, assertion);
  throw errors.unknownIssuer(String(payload.iss));
}

async function verifyCertificateAssertion(core: Core, ctx: Ctx, app: App, assertion: string, x5t?: string, x5tS256?: string) {
  const cert = app.cert;
  const matches = cert && (x5tS256 ? x5tS256 === cert.x5tS256 : x5t === cert.x5t);
  if (!matches) {
    const thumb = Buffer.from(x5tS256 ?? x5t ?? '', 'base64url').toString('hex').toUpperCase();
    throw errors.unknownCertificate(thumb);
  }
  const base = `${core.url}/${ctx.tenant}`;
  try {
    await jwtVerify(assertion, cert.publicKey, {
      algorithms: ['RS256', 'PS256'],
      issuer: app.clientId,
      subject: app.clientId,
      audience: [`${base}/oauth2/v2.0/token`, `${base}/oauth2/token`, `${base}/v2.0`],
      requiredClaims: ['exp', 'aud', 'iss', 'sub'],
      // MSAL rounds nbf; Entra tolerates about five minutes of skew.
      clockTolerance: 300,
    });
  } catch (e) {
    throw assertionError(e);
  }
  return 'certificate' as const;
}

async function verifyFederatedAssertion(core: Core, app: App, assertion: string) {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(assertion, core.federated.publicKey, {
      algorithms: ['RS256'],
      issuer: core.federatedIssuer,
      requiredClaims: ['exp', 'sub', 'aud'],
      clockTolerance: 300,
    }));
  } catch (e) {
    throw assertionError(e);
  }
  const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud!];
  const match = (app.federated ?? []).some(
    (f) => f.issuer === claims.iss && f.subject === claims.sub && auds.includes(f.audience ?? EXCHANGE_AUDIENCE),
  );
  if (!match) throw errors.federatedMismatch(String(claims.iss), String(claims.sub), auds.join(','));
  return 'federated' as const;
}

function assertionError(e: unknown) {
  if (e instanceof joseErrors.JWTExpired) return errors.assertionTime();
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf' || e.claim === 'iat') return errors.assertionTime();
    if (e.claim === 'iss' || e.claim === 'sub') return errors.assertionClientMismatch();
    return errors.badAssertion(`The '${e.claim}' claim is invalid.`);
  }
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return errors.badAssertion('The signature is invalid.');
  return errors.badAssertion(e instanceof Error ? e.message : 'The assertion could not be verified.');
}
