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
