// --login spn: a service principal with a client secret or certificate (MSAL confidential client), or
// with --legacy the ADAL v1 endpoint; with --pop-enabled a PoP token. A certificate wins over a secret, as upstream.
import { popApplies } from '../cli/options';
import { ConfigError, isKubeloginError } from '../errors';
import { readClientCertificate, type ClientCertificate } from './certificate';
import { certificateAssertion, JWT_BEARER } from './client-assertion';
import { v2TokenEndpoint, v2TokenRequest } from './http';
import { legacyClientCredentials } from './legacy';
import { clientCredentialToken } from './msal';
import { startPop, type PopSession } from './pop';
import type { AccessToken, LoginContext } from './types';

export async function spn(ctx: LoginContext): Promise<AccessToken> {
  const o = ctx.options;
  const pop = popApplies(o) ? startPop(ctx) : undefined;
  const certificate = o.clientCertificate ? loadCertificate(o.clientCertificate, o.clientCertificatePassword) : undefined;
  ctx.log.secret(certificate?.privateKeyPem);
  if (o.legacy) return legacyClientCredentials(ctx, o.clientId, certificate ? { certificate } : { clientSecret: o.clientSecret });
  if (pop) return popClientCredentials(ctx, pop, certificate);
  ctx.log.v(5, `spn: client credentials with a ${certificate ? 'certificate' : 'client secret'}`);
  const credential = certificate
    ? { clientCertificate: certificateCredential(certificate) }
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

/** MSAL's certificate credential: SHA-256 thumbprint, key, and the chain (x5c) for subject name + issuer auth. */
function certificateCredential(c: ClientCertificate) {
  return { thumbprintSha256: c.thumbprintSha256, privateKey: c.privateKeyPem, x5c: c.chainPem };
}

function loadCertificate(file: string, password: string): ClientCertificate {
  try {
    return readClientCertificate(file, password);
  } catch (err) {
    if (isKubeloginError(err)) throw new ConfigError(`failed to create azidentity credential: ${err.message}`, { cause: err });
    throw err;
  }
}
