// --login azurepipelines: workload identity federation of an Azure Pipelines service connection. The
// job's OIDC endpoint mints an assertion (fresh for each token request) in exchange for SYSTEM_ACCESSTOKEN.
import { ENV } from '../cli/env';
import { AuthError } from '../errors';
import { jsonField, send, shortBody } from './http';
import { clientCredentialToken } from './msal';
import type { AccessToken, LoginContext } from './types';

const WHAT = 'failed to get token';
const OIDC_API_VERSION = '7.1';

interface OidcRequest {
  uri: string;
  accessToken: string;
  connectionId: string;
}

export async function azurepipelines(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  // The descriptor's requirements make sure these are set (login/modes/azurepipelines.ts).
  const accessToken = ctx.env[ENV.systemAccessToken] ?? '';
  ctx.log.secret(accessToken);
  const req: OidcRequest = { uri: ctx.env[ENV.systemOidcRequestUri] ?? '', accessToken, connectionId: o.azurePipelinesServiceConnectionId };
  return clientCredentialToken(ctx, o.clientId, { clientAssertion: () => oidcToken(ctx, req) });
}

async function oidcToken(ctx: LoginContext, req: OidcRequest): Promise<string> {
  const url = `${req.uri}?api-version=${OIDC_API_VERSION}&serviceConnectionId=${encodeURIComponent(req.connectionId)}`;
  const reply = await send(ctx, `${WHAT}: AzurePipelinesCredential: OIDC token request`, url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${req.accessToken}`, 'Content-Type': 'application/json' },
  });
  if (reply.status !== 200) {
    throw new AuthError(
      `${WHAT}: AzurePipelinesCredential: OIDC token request failed with status code: ${reply.status}, response body: ${shortBody(ctx, reply.body)}; ${remedy(reply.status)}`,
      { status: reply.status },
    );
  }
  const token = jsonField(reply.body, 'oidcToken');
  if (!token) throw new AuthError(`${WHAT}: AzurePipelinesCredential: the OIDC token response holds no oidcToken; check ${ENV.systemOidcRequestUri}`);
  ctx.log.secret(token);
  return token;
}

function remedy(status: number): string {
  if (status === 401 || status === 403) return `check that ${ENV.systemAccessToken} is $(System.AccessToken) of this job`;
  if (status === 404) return `check --azure-pipelines-service-connection-id (${ENV.pipelinesServiceConnectionId})`;
  return 'retry, or check the service connection';
}
