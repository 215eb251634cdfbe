// `--legacy`: ADAL v1 token requests (`<authority host><tenant>/oauth2/token` with `resource`), made with
// fetch because MSAL only speaks v2. Entra then issues a v1 token (aud `spn:<server id>` for AKS).
import type { ClientCertificate } from './certificate';
import { certificateAssertion, JWT_BEARER } from './client-assertion';
import { postTokenForm } from './http';
import { adalResource } from './scope';
import type { AccessToken, LoginContext } from './types';

export type LegacyClientAuth = { clientSecret: string } | { certificate: ClientCertificate };

function v1TokenEndpoint(ctx: LoginContext): string {
  return `${ctx.authorityHost}${ctx.options.tenantId}/oauth2/token`;
}

/** client_credentials against the v1 endpoint with a secret or a certificate-signed assertion. */
export async function legacyClientCredentials(ctx: LoginContext, clientId: string, auth: LegacyClientAuth): Promise<AccessToken> {
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId, resource: adalResource(ctx.scope) };
  if ('clientSecret' in auth) form.client_secret = auth.clientSecret;
  else {
    form.client_assertion_type = JWT_BEARER;
    form.client_assertion = certificateAssertion(auth.certificate, clientId, v1TokenEndpoint(ctx));
    ctx.log.secret(form.client_assertion);
  }
  return postTokenForm(ctx, 'failed to get token', v1TokenEndpoint(ctx), form);
}
