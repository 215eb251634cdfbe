// Which identity a get-token run asks for, and the cache key derived from it. Two clusters, tenants,
// accounts or modes never share an entry; the mode's descriptor supplies what else picks its
// principal (login/modes/*.ts). Used by the hit path, so only node built-ins here.
import type { Env } from '../cli/env';
import { authorityHostFor, type TokenOptions } from '../cli/options';
import { scopeFor } from '../login/scope';
import { modeFor } from '../login/select';
import { sha256Hex } from './sha256';

export interface Identity {
  login: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  scope: string;
  /** What else picks the principal: username, managed identity id, az account, PoP claims... */
  extra: string;
}

export function identityFor(o: TokenOptions, env: Env): Identity {
  const base = {
    login: o.loginMethod,
    authorityHost: authorityHostFor(o).toLowerCase(),
    tenantId: o.tenantId,
    clientId: o.clientId,
    scope: scopeFor(o.serverId),
  };
  return { ...base, ...modeFor(o.loginMethod).identity(o, env) };
}

export function cacheKey(id: Identity): string {
  const canonical = JSON.stringify([id.login, id.authorityHost, id.tenantId.toLowerCase(), id.clientId.toLowerCase(), id.scope, id.extra]);
  return sha256Hex(canonical).slice(0, 40);
}

/**
 * The key of the MSAL cache (accounts, refresh tokens) a run uses. User modes (a person's account) share
 * one per authority, tenant and client id, so one sign-in serves every server id and every kubeconfig of
 * that tenant (issue 13); the access-token files stay per identity. Other modes keep one per identity.
 */
export function signInKey(o: TokenOptions, env: Env): string {
  if (modeFor(o.loginMethod).kind !== 'user') return cacheKey(identityFor(o, env));
  return sha256Hex(JSON.stringify(['sign-in', authorityHostFor(o).toLowerCase(), o.tenantId.toLowerCase(), o.clientId.toLowerCase()])).slice(0, 40);
}
