// --login spn: a service principal with a client secret or certificate (MSAL confidential client), or
// with --legacy the ADAL v1 endpoint; with --pop-enabled a PoP token. A certificate wins over a secret, as upstream.
import { ENV } from '../cli/env';
import { ConfigError, isKubeloginError } from '../errors';
import { readClientCertificate, type ClientCertificate } from './certificate';
import { certificateAssertion, legacyClientCredentials } from './legacy';
import { clientCredentialToken, credentialError } from './msal';
import { v2TokenEndpoint, v2TokenRequest } from './http';
import { popApplies } from '../cli/options';
import { startPop, type PopSession } from './pop';
import type { AccessToken, LoginContext } from './types';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function spn(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  const names = envNames(o.useAzurermEnvVars);
  if (!o.clientId) throw credentialError('client ID cannot be empty', `pass --client-id or set ${names.clientId}`);
  if (!o.tenantId) throw credentialError('tenant ID cannot be empty', `pass --tenant-id or set ${names.tenantId}`);
  if (!o.clientCertificate && !o.clientSecret) {
    throw credentialError('client secret cannot be empty', `pass --client-secret or set ${names.secret} (or use a certificate: --client-certificate or ${names.certificate})`);
  }
  const pop = popApplies(o) ? await startPop(ctx) : undefined;
  const certificate = o.clientCertificate ? loadCertificate(o.clientCertificate, o.clientCertificatePassword) : undefined;
  ctx.log.secret(certificate?.privateKeyPem);
  if (o.legacy) return legacyClientCredentials(ctx, o.clientId, certificate ? { certificate } : { clientSecret: o.clientSecret });
  if (pop) return popClientCredentials(ctx, pop, certificate);
  ctx.log.v(5, `spn: client credentials with a ${certificate ? 'certificate' : 'client secret'}`);
  const credential = certificate
    ? { clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem, x5c: certificate.chainPem } }
    : { clientSecret: o.clientSecret };
  return clientCredentialToken(ctx, o.clientId, credential);
}

/** client_credentials with PoP's token_type and req_cnf, sent without MSAL (msal-node has no PoP), one request per run. */
async function popClientCredentials(ctx: LoginContext, pop: PopSession, certificate?: ClientCertificate): Promise<AccessToken> {
  const clientId = ctx.options.clientId;
  ctx.log.v(5, `spn: PoP client credentials with a ${certificate ? 'certificate' : 'client secret'}`);
  const form = { grant_type: 'client_credentials', client_id: clientId, scope: ctx.scope, ...pop.fields, ...clientAuth(ctx, clientId, certificate) };
  return pop.finish(await v2TokenRequest(ctx, 'failed to get token', form));
}

/** Form fields that authenticate the app: the secret, or an assertion signed with the certificate (RS256, x5t + x5c). */
function clientAuth(ctx: LoginContext, clientId: string, certificate?: ClientCertificate): Record<string, string> {
  if (!certificate) return { client_secret: ctx.options.clientSecret };
  const assertion = certificateAssertion(certificate, clientId, v2TokenEndpoint(ctx));
  ctx.log.secret(assertion);
  return { client_assertion_type: JWT_BEARER, client_assertion: assertion };
}

function loadCertificate(file: string, password: string): ClientCertificate {
  try {
    return readClientCertificate(file, password);
  } catch (err) {
    if (isKubeloginError(err)) throw new ConfigError(`failed to create azidentity credential: ${err.message}`, { cause: err });
    throw err;
  }
}

function envNames(azurerm: boolean) {
  if (azurerm) {
    return { clientId: ENV.armClientId, tenantId: ENV.armTenantId, secret: ENV.armClientSecret, certificate: ENV.armClientCertificatePath };
  }
  return {
    clientId: `${ENV.aadClientId} or ${ENV.azureClientId}`,
    tenantId: ENV.azureTenantId,
    secret: `${ENV.aadClientSecret} or ${ENV.azureClientSecret}`,
    certificate: `${ENV.aadClientCertificate} or ${ENV.azureClientCertificatePath}`,
  };
}
