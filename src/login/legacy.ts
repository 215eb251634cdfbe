// `--legacy`: ADAL v1 token requests (`<authority host><tenant>/oauth2/token` with `resource`), made with
// fetch because MSAL only speaks v2. Entra then issues a v1 token (aud `spn:<server id>` for AKS).
import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import type { ClientCertificate } from './certificate';
import { postTokenForm } from './http';
import type { AccessToken, LoginContext } from './types';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type LegacyClientAuth = { clientSecret: string } | { certificate: ClientCertificate };

/** ADAL's resource: the scope with its first `/.default` removed. */
export function resourceFor(scope: string): string {
  return scope.replace('/.default', '');
}

export function v1TokenEndpoint(ctx: LoginContext): string {
  return `${ctx.authorityHost}${ctx.options.tenantId}/oauth2/token`;
}

/** client_credentials against the v1 endpoint with a secret or a certificate-signed assertion. */
export async function legacyClientCredentials(ctx: LoginContext, clientId: string, auth: LegacyClientAuth): Promise<AccessToken> {
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId, resource: resourceFor(ctx.scope) };
  if ('clientSecret' in auth) form.client_secret = auth.clientSecret;
  else {
    form.client_assertion_type = JWT_BEARER;
    form.client_assertion = certificateAssertion(auth.certificate, clientId, v1TokenEndpoint(ctx));
    ctx.log.secret(form.client_assertion);
  }
  return v1TokenRequest(ctx, form);
}

/** POSTs a v1 token request (client credentials or device code). */
export function v1TokenRequest(ctx: LoginContext, form: Record<string, string>): Promise<AccessToken> {
  return postTokenForm(ctx, 'failed to get token', v1TokenEndpoint(ctx), form);
}

/** RFC 7523 client assertion as ADAL signs it: RS256 with the SHA-1 thumbprint (`x5t`) and the chain (`x5c`). */
export function certificateAssertion(cert: ClientCertificate, clientId: string, audience: string, now = Date.now()): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const seconds = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5t: Buffer.from(cert.thumbprintSha1, 'hex').toString('base64url'), x5c: cert.chainDer };
  const claims = { aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: seconds, iat: seconds, exp: seconds + 600 };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey(cert.privateKeyPem));
  return `${input}.${signature.toString('base64url')}`;
}
