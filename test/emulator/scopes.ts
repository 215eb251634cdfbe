// Which resource a v2 scope string asks for (the access token's aud).
import { errors } from './errors';

export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const GRAPH = '00000003-0000-0000-c000-000000000000';

export interface ParsedScope {
  scopes: string[];
  resource: string;
  hasOpenId: boolean;
  hasOfflineAccess: boolean;
}

/** `X/.default` → `X` (so `https://x//.default` → `https://x/`); `https://x/user.read` → `https://x`. */
export function resourceOf(scope: string): string {
  if (scope.endsWith('/.default')) return scope.slice(0, -'/.default'.length);
  const slash = scope.lastIndexOf('/');
  return slash > 0 ? scope.slice(0, slash) : GRAPH;
}

export function parseScope(scope: string, opts: { clientCredentials: boolean }): ParsedScope {
  const scopes = [...new Set(scope.split(/\s+/).filter(Boolean))];
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
  if (opts.clientCredentials && (resourceScopes.length !== 1 || !resourceScopes[0].endsWith('/.default'))) {
    throw errors.invalidScope(
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const resources = new Set(resourceScopes.map(resourceOf));
  if (resources.size > 1) throw errors.multipleResources();
  const lower = scopes.map((s) => s.toLowerCase());
  return {
    scopes,
    resource: resources.size ? [...resources][0] : GRAPH,
    hasOpenId: lower.includes('openid'),
    hasOfflineAccess: lower.includes('offline_access'),
  };
}
