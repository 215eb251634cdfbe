// Entra ID error responses: `AADSTS<code>: <text>` plus trace/correlation ids, shaped like the real service's.
import { randomUUID } from 'node:crypto';

export class AadError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
  ) {
    super(`${error}: AADSTS${code}: ${text}`);
  }
}

export const aad = (status: number, error: string, code: number, text: string) => new AadError(status, error, code, text);

export function entraTimestamp(date = new Date()): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function aadErrorBody(e: AadError, baseUrl: string, correlationId: string = randomUUID()): Record<string, unknown> {
  const traceId = randomUUID();
  const timestamp = entraTimestamp();
  return {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${baseUrl}/error?code=${e.code}`,
  };
}

// The catalogue, so the wording lives in one place.
export const errors = {
  missingParameter: (name: string) =>
    aad(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  badReqCnf: () =>
    aad(400, 'invalid_request', 900144, `The 'req_cnf' parameter must be base64url-encoded JSON with a 'kid'.`),
  unsupportedGrant: (grant: string) =>
    aad(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  unknownApp: (clientId: string, tenant: string) =>
    aad(400, 'invalid_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`),
  badSecret: (clientId: string) =>
    aad(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`),
  credentialRequired: () =>
    aad(401, 'invalid_client', 7000218, `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.`),
  badAssertionType: () =>
    aad(400, 'invalid_request', 50027, `JWT token is invalid or malformed. client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`),
  malformedAssertion: () => aad(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  unknownCertificate: (thumbprint: string) =>
    aad(401, 'invalid_client', 700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}']`),
  badAssertion: (reason: string) =>
    aad(401, 'invalid_client', 700027, `Client assertion failed signature validation. [Reason - ${reason}]`),
  assertionClientMismatch: () =>
    aad(401, 'invalid_client', 700021, `Client assertion application identifier doesn't match 'client_id' parameter.`),
  assertionTime: () =>
    aad(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.'),
  unknownIssuer: (issuer: string) =>
    aad(400, 'invalid_client', 700211, `No matching federated identity record found for presented assertion issuer '${issuer}'.`),
  federatedMismatch: (iss: string, sub: string, aud: string) =>
    aad(400, 'invalid_request', 70021, `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'.`),
  badPassword: () => aad(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
  unknownUser: (tenant: string) =>
    aad(400, 'invalid_grant', 50034, `The user account {EmailHidden} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.`),
  refreshExpired: (issued: Date, inactiveDays: string) =>
    aad(400, 'invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${issued.toISOString()} and was inactive for ${inactiveDays}.`),
  refreshRevoked: (issued: Date, validFrom: Date) =>
    aad(400, 'invalid_grant', 50173, `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom.toISOString()}'.`),
  invalidGrant: (what: string) =>
    aad(400, 'invalid_grant', 9002313, `Invalid request. Request is malformed or invalid. The provided value for '${what}' is not valid.`),
  refreshReused: () =>
    aad(400, 'invalid_grant', 70000, `The provided value for the input parameter 'refresh_token' or 'assertion' is not valid. The refresh token was already used.`),
  codeRedeemed: () =>
    aad(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.'),
  codeExpired: () => aad(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.'),
  pkceMismatch: () => aad(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.'),
  redirectMismatch: () => aad(400, 'invalid_grant', 500112, 'The reply address does not match the reply address provided when requesting Authorization code.'),
  clientMismatch: () => aad(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed. It was issued to a different client.'),
  invalidScope: (text: string) => aad(400, 'invalid_scope', 1002012, text),
  multipleResources: () => aad(400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource.'),
  authorizationPending: () =>
    aad(400, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is still pending. Continue polling.'),
  slowDown: () => aad(400, 'slow_down', 70016, 'OAuth 2.0 device flow error. Polling too fast: increase the interval by 5 seconds.'),
  declined: () => aad(400, 'authorization_declined', 65004, 'User declined to consent to access the app.'),
  deviceCodeExpired: () => aad(400, 'expired_token', 70019, 'Verification code expired.'),
  serverError: () => aad(500, 'server_error', 90033, 'A transient error has occurred. Please try again.'),
};
