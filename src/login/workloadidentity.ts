// --login workloadidentity: a federated token (the projected file, or GitHub Actions' OIDC token when
// its two variables are set) as the client assertion. A fresh assertion is read for every request.
import { ENV } from '../cli/env';
import { AuthError, ConfigError, errorMessage, oneLine } from '../errors';
import { KIB, readBoundedText, UnreadableFileError } from '../platform/read-bounded';
import { clientCredentialToken, credentialError } from './msal';
import { send } from './http';
import type { AccessToken, LoginContext } from './types';

const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const WHAT = 'failed to get token';

export async function workloadidentity(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  if (!o.clientId) throw credentialError('client ID cannot be empty', `pass --client-id or set ${ENV.azureClientId}`);
  if (!o.tenantId) throw credentialError('tenant ID cannot be empty', `pass --tenant-id or set ${ENV.azureTenantId}`);
  const github = githubRequest(ctx);
  if (github) {
    ctx.log.v(5, 'workloadidentity: using the GitHub Actions OIDC token (the federated token file is ignored)');
    return clientCredentialToken(ctx, o.clientId, { clientAssertion: () => githubToken(ctx, github) });
  }
  const file = o.federatedTokenFile;
  if (!file) {
    throw credentialError('federated token file cannot be empty', `pass --federated-token-file or set ${ENV.azureFederatedTokenFile} (the workload identity webhook sets it in annotated pods)`);
  }
  // Read once before any request, so a missing, empty or unreadable file is reported without network.
  readTokenFile(ctx, file);
  return clientCredentialToken(ctx, o.clientId, { clientAssertion: async () => readTokenFile(ctx, file) });
}

/** A projected service account token is 1-2 KiB. */
const MAX_FEDERATED_TOKEN_BYTES = 64 * KIB;

function readTokenFile(ctx: LoginContext, file: string): string {
  let text: string;
  try {
    text = readBoundedText(file, MAX_FEDERATED_TOKEN_BYTES);
  } catch (err) {
    const why = err instanceof UnreadableFileError ? err.detail : errorMessage(err);
    throw new ConfigError(`${WHAT}: failed to read the federated token file (${file}): ${why}; check --federated-token-file / ${ENV.azureFederatedTokenFile}`, { cause: err });
  }
  const assertion = text.trim();
  if (!assertion) throw new ConfigError(`${WHAT}: the federated token file (${file}) is empty; check that the token projection is mounted`);
  ctx.log.secret(assertion);
  return assertion;
}

interface GithubRequest {
  url: string;
  token: string;
}

/** Upstream switches to GitHub's OIDC token only when both variables are non-empty. */
function githubRequest(ctx: LoginContext): GithubRequest | undefined {
  const token = ctx.env[ENV.actionsIdTokenRequestToken];
  const url = ctx.env[ENV.actionsIdTokenRequestUrl];
  if (!token || !url) return undefined;
  ctx.log.secret(token);
  return { url, token };
}

async function githubToken(ctx: LoginContext, req: GithubRequest): Promise<string> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch (err) {
    throw new ConfigError(`${WHAT}: unable to parse ${ENV.actionsIdTokenRequestUrl}: ${errorMessage(err)}`);
  }
  url.searchParams.set('audience', EXCHANGE_AUDIENCE);
  const reply = await send(ctx, `${WHAT}: github actions ID token request`, url.toString(), {
    headers: { Authorization: `bearer ${req.token}`, Accept: 'application/json; api-version=2.0' },
  });
  if (reply.status !== 200) {
    throw new AuthError(
      `${WHAT}: github actions ID token request failed with status code: ${reply.status}, response body: ${shortBody(ctx, reply.body)}; check that the job has "permissions: id-token: write"`,
      { status: reply.status },
    );
  }
  const value = jsonField(reply.body, 'value');
  if (!value) throw new AuthError(`${WHAT}: github actions ID token is empty`);
  ctx.log.secret(value);
  return value;
}

/** A response body fit for one error line: token-shaped values removed, cut short. */
export function shortBody(ctx: LoginContext, body: string): string {
  const line = oneLine(ctx.log.scrub(body));
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

export function jsonField(body: string, field: string): string | undefined {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
