// --login azurepipelines: workload identity federation of an Azure Pipelines service connection. The
// job's OIDC endpoint mints an assertion (fresh for each token request) in exchange for SYSTEM_ACCESSTOKEN.
import { ENV } from '../cli/env';
import { AuthError } from '../errors';
import { clientCredentialToken, credentialError } from './msal';
import { send } from './http';
import type { AccessToken, LoginContext } from './types';
import { jsonField, shortBody } from './workloadidentity';

const WHAT = 'failed to get token';
const OIDC_API_VERSION = '7.1';

interface OidcRequest {
  uri: string;
  accessToken: string;
  connectionId: string;
}

export async function azurepipelines(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  const accessToken = ctx.env[ENV.systemAccessToken];
  if (!accessToken) {
    throw credentialError(`${ENV.systemAccessToken} environment variable not set`, 'map it in the pipeline step: env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }');
  }
  ctx.log.secret(accessToken);
  const uri = ctx.env[ENV.systemOidcRequestUri];
  if (!uri) throw credentialError(`no value for environment variable ${ENV.systemOidcRequestUri}`, 'run kubelogin inside an Azure Pipelines job (Azure Pipelines sets it)');
  if (!o.clientId) throw credentialError('client ID cannot be empty', `pass --client-id or set ${ENV.pipelinesClientId} (the AzureCLI@2 task sets it)`);
  if (!o.tenantId) throw credentialError('tenant ID cannot be empty', `pass --tenant-id or set ${ENV.pipelinesTenantId}`);
  const connectionId = o.azurePipelinesServiceConnectionId;
  if (!connectionId) {
    throw credentialError('service connection ID cannot be empty', `pass --azure-pipelines-service-connection-id or set ${ENV.pipelinesServiceConnectionId}`);
  }
  const req: OidcRequest = { uri, accessToken, connectionId };
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
