// --login workloadidentity: a federated token (the projected file, or GitHub Actions' OIDC token when
// its two variables are set) as the client assertion. A fresh assertion is read for every request.
import { ENV } from '../cli/env';
import { AuthError, ConfigError, errorMessage } from '../errors';
import { KIB, readBoundedText, UnreadableFileError } from '../platform/read-bounded';
import { jsonField, send, shortBody } from './http';
import { githubOidc } from './modes/workloadidentity';
import { clientCredentialToken } from './msal';
import type { AccessToken, LoginContext } from './types';

const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const WHAT = 'failed to get token';

export async function workloadidentity(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  const github = githubOidc(ctx.env);
  if (github) {
    ctx.log.secret(github.token);
    ctx.log.v(5, 'workloadidentity: using the GitHub Actions OIDC token (the federated token file is ignored)');
    return clientCredentialToken(ctx, o.clientId, { clientAssertion: () => githubToken(ctx, github) });
  }
  // The descriptor's requirements make sure the file is named (login/modes/workloadidentity.ts).
  const file = o.federatedTokenFile;
  // Read once before any request, so a missing, empty or unreadable file is reported without network.
  readTokenFile(ctx, file);
  return clientCredentialToken(ctx, o.clientId, { clientAssertion: () => Promise.resolve(readTokenFile(ctx, file)) });
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

async function githubToken(ctx: LoginContext, req: { url: string; token: string }): Promise<string> {
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
