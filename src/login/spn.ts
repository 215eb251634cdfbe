// --login spn: a service principal with a client secret or certificate (MSAL confidential client), or
// with --legacy the ADAL v1 endpoint. A certificate wins over a secret, as upstream.
import { ENV } from '../cli/env';
import { ConfigError, isKubeloginError } from '../errors';
import { readClientCertificate, type ClientCertificate } from './certificate';
import { legacyClientCredentials } from './legacy';
import { clientCredentialToken, credentialError } from './msal';
import type { AccessToken, LoginContext } from './types';

export async function spn(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  const names = envNames(o.useAzurermEnvVars);
  if (!o.clientId) throw credentialError('client ID cannot be empty', `pass --client-id or set ${names.clientId}`);
  if (!o.tenantId) throw credentialError('tenant ID cannot be empty', `pass --tenant-id or set ${names.tenantId}`);
  if (!o.clientCertificate && !o.clientSecret) {
    throw credentialError('client secret cannot be empty', `pass --client-secret or set ${names.secret} (or use a certificate: --client-certificate or ${names.certificate})`);
  }
  if (o.popEnabled && !o.legacy) {
    throw new ConfigError('--pop-enabled is not supported yet for --login spn: remove --pop-enabled and --pop-claims to get a bearer token');
  }
  const certificate = o.clientCertificate ? loadCertificate(o.clientCertificate, o.clientCertificatePassword) : undefined;
  ctx.log.secret(certificate?.privateKeyPem);
  if (o.legacy) return legacyClientCredentials(ctx, o.clientId, certificate ? { certificate } : { clientSecret: o.clientSecret });
  ctx.log.v(5, `spn: client credentials with a ${certificate ? 'certificate' : 'client secret'}`);
  const credential = certificate
    ? { clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem, x5c: certificate.chainPem } }
    : { clientSecret: o.clientSecret };
  return clientCredentialToken(ctx, o.clientId, credential);
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
