// Managed identity token services on the plain-HTTP server: IMDS, App Service and Azure Arc, each answering the
// way @azure/msal-node's ManagedIdentityApplication asks (see README.md for the env vars that select each).
import fs from 'node:fs';
import type { Core } from './core';
import { json, type Ctx, type Handler, type Reply } from './http';
import { accessTokenClaims, guidFrom } from './jwt';
import { resourceOf } from './scopes';
import { DEFAULT_TENANT_ID } from './state';
import type { ManagedIdentityRegistration } from './types';

const imdsError = (status: number, description: string) => json(status, { error: 'invalid_request', error_description: description });

function findIdentity(core: Core, q: URLSearchParams): ManagedIdentityRegistration | undefined {
  const eq = (a?: string, b?: string | null) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
  const all = core.state.managedIdentities;
  const clientId = q.get('client_id') ?? q.get('clientid');
  if (clientId) return all.find((m) => eq(m.clientId, clientId));
  const objectId = q.get('object_id');
  if (objectId) return all.find((m) => eq(m.objectId ?? guidFrom(`mi|${m.clientId}`), objectId));
  const resourceId = q.get('msi_res_id') ?? q.get('mi_res_id');
  if (resourceId) return all.find((m) => eq(m.resourceId, resourceId));
  return all.find((m) => m.systemAssigned);
}

/** Numbers as strings, as IMDS and App Service send them. */
async function tokenReply(core: Core, ctx: Ctx): Promise<Reply> {
  const q = ctx.url.searchParams;
  const requested = q.get('resource');
  if (!requested) return imdsError(400, 'Required audience parameter not specified');
  const mi = findIdentity(core, q);
  if (!mi) return imdsError(400, 'Identity not found');
  ctx.record.clientId = mi.clientId;
  const resource = requested.endsWith('/.default') ? resourceOf(requested) : requested;
  const lifetime = core.state.tokenLifetimeSeconds;
  const objectId = mi.objectId ?? guidFrom(`mi|${mi.clientId}`);
  const claims = accessTokenClaims({
    issuerBase: core.url, tenantId: DEFAULT_TENANT_ID, audience: resource, clientId: mi.clientId, lifetimeSeconds: lifetime,
    v1: false, appObjectId: objectId, extra: mi.resourceId ? { xms_mirid: mi.resourceId } : undefined,
  });
  const accessToken = await core.signer.sign(claims);
  // The token's own iat, so expires_on is its exp to the second (a clock read after signing could be a second later).
  const now = claims.iat!;
  const body: Record<string, string> = {
    access_token: accessToken,
    client_id: mi.clientId,
    expires_in: String(lifetime),
    expires_on: String(now + lifetime),
    ext_expires_in: String(lifetime),
    not_before: String(now),
    resource: requested,
    token_type: 'Bearer',
  };
  // Azure Arc must echo a user-assigned selector back or MSAL refuses the token.
  if (q.get('object_id')) body.object_id = objectId;
  if (q.get('msi_res_id') && mi.resourceId) body.msi_res_id = mi.resourceId;
  return json(200, body);
}

/** GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=...  (header Metadata: true). */
export function imdsHandler(core: Core): Handler {
  return (ctx) => {
    if (ctx.headers.metadata !== 'true') return imdsError(400, 'Required metadata header not specified');
    if (!ctx.url.searchParams.get('api-version')) return imdsError(400, 'Required api-version parameter not specified');
    return tokenReply(core, ctx);
  };
}

/** GET /msi/token?api-version=2019-08-01&resource=...  (header X-IDENTITY-HEADER: <IDENTITY_HEADER>). */
export function appServiceHandler(core: Core, secret: string): Handler {
  return (ctx) => {
    if (ctx.headers['x-identity-header'] !== secret) {
      return json(401, { statusCode: 401, message: 'Unauthorized: X-IDENTITY-HEADER is missing or does not match.' });
    }
    if (!ctx.url.searchParams.get('api-version')) return imdsError(400, 'Required api-version parameter not specified');
    return tokenReply(core, ctx);
  };
}

const ARC_API_VERSIONS = new Set(['2019-11-01', '2020-06-01']);

/** GET /arc/token?api-version=2020-06-01&resource=...: a Basic challenge naming a key file, then the token. */
export function arcHandler(core: Core, keyFile: string): Handler {
  return (ctx) => {
    if (ctx.headers.metadata !== 'true') return imdsError(400, 'Required metadata header not specified');
    if (!ARC_API_VERSIONS.has(ctx.url.searchParams.get('api-version') ?? '')) return imdsError(400, 'Invalid api-version');
    const secret = fs.readFileSync(keyFile, 'utf8');
    if (ctx.headers.authorization !== `Basic ${secret}`) {
      return { status: 401, headers: { 'www-authenticate': `Basic realm=${keyFile}` }, json: { error: 'unauthorized', error_description: 'Authentication required' } };
    }
    return tokenReply(core, ctx);
  };
}
