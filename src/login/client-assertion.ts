// RFC 7523 client assertions signed with a client certificate, as ADAL and azidentity sign them:
// for the token requests made without MSAL (--legacy v1, PoP).
import { createPrivateKey, createSign, randomUUID } from 'node:crypto';
import type { ClientCertificate } from './certificate';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RS256 with the SHA-1 thumbprint (`x5t`) and the chain (`x5c`), valid 10 minutes. */
export function certificateAssertion(cert: ClientCertificate, clientId: string, audience: string, now = Date.now()): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const seconds = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT', x5t: Buffer.from(cert.thumbprintSha1, 'hex').toString('base64url'), x5c: cert.chainDer };
  const claims = { aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: seconds, iat: seconds, exp: seconds + 600 };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey(cert.privateKeyPem));
  return `${input}.${signature.toString('base64url')}`;
}
