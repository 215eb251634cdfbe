// RS256 signing keys with a kid, and the claims of the tokens the emulator issues.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { GroupsOverage } from './types';

type PublicKey = Awaited<ReturnType<typeof generateKeyPair>>['publicKey'];

export interface Signer {
  kid: string;
  publicJwk: JWK;
  publicKey: PublicKey;
  sign(claims: JWTPayload): Promise<string>;
}

export async function createSigner(): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const publicJwk: JWK = { kty: jwk.kty, use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e };
  return {
    kid,
    publicJwk,
    publicKey,
    sign: (claims) => new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid }).sign(privateKey),
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A stable GUID derived from a seed, so the same app or user always gets the same object id. */
export function guidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const opaque = (bytes = 32) => randomBytes(bytes).toString('base64url');

export interface AccessTokenInput {
  issuerBase: string; // emulator url
  tenantId: string;
  audience: string;
  clientId: string;
  lifetimeSeconds: number;
  v1: boolean;
  /** For users: oid/upn/name. For apps and managed identities: the service principal's object id. */
  user?: { oid: string; username: string; name: string };
  appObjectId?: string;
  /** Group ids, roles and the overage form, from the user's or app's registration. */
  membership?: Membership;
  extra?: Record<string, unknown>;
}

export interface Membership {
  groups?: string[];
  roles?: string[];
  groupsOverage?: GroupsOverage;
}

/** The group and role claims as Entra writes them; an overage replaces `groups` with a pointer to Graph. */
export function membershipClaims(m: Membership | undefined, tenantId: string, oid: string, isUser: boolean): JWTPayload {
  if (!m) return {};
  const claims: JWTPayload = {};
  if (m.roles?.length) claims.roles = [...m.roles];
  if (m.groupsOverage === 'hasgroups') claims.hasgroups = true;
  else if (m.groupsOverage === 'claim-sources') {
    const kind = isUser ? 'users' : 'servicePrincipals';
    claims._claim_names = { groups: 'src1' };
    claims._claim_sources = { src1: { endpoint: `https://graph.windows.net/${tenantId}/${kind}/${oid}/getMemberObjects` } };
  } else if (m.groups?.length) claims.groups = [...m.groups];
  return claims;
}

export function accessTokenClaims(t: AccessTokenInput): JWTPayload {
  const iat = nowSeconds();
  const oid = t.user ? t.user.oid : t.appObjectId!;
  const claims: JWTPayload = {
    aud: t.v1 ? `spn:${t.audience}` : t.audience,
    iss: t.v1 ? `${t.issuerBase}/${t.tenantId}/` : `${t.issuerBase}/${t.tenantId}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + t.lifetimeSeconds,
    tid: t.tenantId,
    oid,
    sub: t.user ? guidFrom(`${t.user.oid}|${t.clientId}`) : oid,
    appid: t.clientId,
    azp: t.clientId,
    idtyp: t.user ? 'user' : 'app',
    uti: opaque(16),
    ver: t.v1 ? '1.0' : '2.0',
    ...membershipClaims(t.membership, t.tenantId, oid, !!t.user),
    ...t.extra,
  };
  if (t.user) {
    Object.assign(claims, { upn: t.user.username, preferred_username: t.user.username, unique_name: t.user.username, name: t.user.name, scp: 'user_impersonation' });
  }
  return claims;
}

export function idTokenClaims(t: {
  issuerBase: string;
  tenantId: string;
  clientId: string;
  user: { oid: string; username: string; name: string };
  nonce?: string;
  v1: boolean;
}): JWTPayload {
  const iat = nowSeconds();
  return {
    aud: t.clientId,
    iss: t.v1 ? `${t.issuerBase}/${t.tenantId}/` : `${t.issuerBase}/${t.tenantId}/v2.0`,
    iat,
    nbf: iat,
    exp: iat + 3600,
    tid: t.tenantId,
    oid: t.user.oid,
    sub: guidFrom(`${t.user.oid}|${t.clientId}`),
    preferred_username: t.user.username,
    upn: t.user.username,
    name: t.user.name,
    ...(t.nonce ? { nonce: t.nonce } : {}),
    uti: opaque(16),
    ver: t.v1 ? '1.0' : '2.0',
    jti: randomUUID(),
  };
}

export const clientInfo = (oid: string, tid: string) => Buffer.from(JSON.stringify({ uid: oid, utid: tid })).toString('base64url');
