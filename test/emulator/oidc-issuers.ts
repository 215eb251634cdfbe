// External OIDC issuers whose tokens Entra accepts as federated credentials: a generic issuer (Kubernetes
// service-account style), Azure Pipelines' OIDC endpoint and GitHub Actions' ID-token endpoint.
import { randomUUID } from 'node:crypto';
import type { Core } from './core';
import { json, type Ctx, type Handler, type Reply } from './http';
import { nowSeconds } from './jwt';

export const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export function issueFederatedToken(core: Core, c: { subject: string; audience?: string; expiresInSeconds?: number }): Promise<string> {
  const iat = nowSeconds();
  return core.federated.sign({
    iss: core.federatedIssuer,
    sub: c.subject,
    aud: c.audience ?? EXCHANGE_AUDIENCE,
    iat,
    nbf: iat,
    exp: iat + (c.expiresInSeconds ?? 3600),
    jti: randomUUID(),
  });
}

export function federatedDiscoveryHandler(core: Core): Handler {
  return () =>
    json(200, {
      issuer: core.federatedIssuer,
      jwks_uri: `${core.federatedIssuer}/keys`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
}

export const federatedKeysHandler = (core: Core): Handler => () => json(200, { keys: [core.federated.publicJwk] });

const bearer = (ctx: Ctx) => /^Bearer (.+)$/i.exec(String(ctx.headers.authorization ?? ''))?.[1];

// Azure DevOps answers with these headers; azidentity quotes them in its errors.
const vssHeaders = () => ({ 'x-vss-e2eid': randomUUID(), 'x-msedge-ref': `Ref A: ${randomUUID()}` });

function vssError(status: number, message: string, typeKey: string): Reply {
  return json(status, { $id: '1', innerException: null, message, typeName: `Microsoft.VisualStudio.Services.${typeKey}`, typeKey, errorCode: 0, eventId: 3000 }, vssHeaders());
}

/** POST {pipelinesOidcUrl}?api-version=7.1&serviceConnectionId=ID with `Authorization: Bearer $SYSTEM_ACCESSTOKEN`. */
export function pipelinesHandler(core: Core): Handler {
  return async (ctx) => {
    const q = ctx.url.searchParams;
    const token = bearer(ctx);
    const id = q.get('serviceConnectionId') ?? '';
    const conns = [...core.state.pipelines.values()];
    if (!token || !conns.some((c) => c.systemAccessToken === token)) {
      return vssError(401, "TF400813: The user '' is not authorized to access this resource.", 'UnauthorizedRequestException');
    }
    if (!q.get('api-version')) return vssError(400, 'No api-version was supplied for the POST request.', 'VssVersionNotSpecifiedException');
    const conn = core.state.pipelines.get(id);
    if (!conn || conn.systemAccessToken !== token) {
      return vssError(404, `Service connection '${id}' was not found or the build is not authorized to use it.`, 'ServiceEndpointNotFoundException');
    }
    return json(200, { oidcToken: await issueFederatedToken(core, { subject: conn.subject }) }, vssHeaders());
  };
}

/** GET {githubOidcUrl}&audience=... with `Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN`. */
export function githubHandler(core: Core): Handler {
  return async (ctx) => {
    const token = bearer(ctx);
    const subject = token ? core.state.githubTokens.get(token) : undefined;
    if (!subject) return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const audience = ctx.url.searchParams.get('audience') ?? EXCHANGE_AUDIENCE;
    return json(200, { count: 1, value: await issueFederatedToken(core, { subject, audience }) });
  };
}
