// What a token says about who the cluster will see: the claims AKS RoleBindings name (UPN, object id,
// group object ids), read from the decoded payload (not verified: for display only).
import type { TokenOptions } from '../cli/options';
import type { TokenSource } from '../login/types';
import { decodeJwtPayload, type Claims } from '../platform/jwt';

export interface GroupsOverage {
  /** `claim-sources`: Entra's `_claim_names`/`_claim_sources` (more than 200 groups); `hasgroups`: the implicit-flow marker. */
  form: 'claim-sources' | 'hasgroups';
  /** The Microsoft Graph endpoint the token points at for the groups, when it names one. */
  endpoint?: string;
}

export interface Identity {
  login: string;
  /** PoP tokens wrap the access token in a token signed with a key of this machine. */
  tokenType: 'Bearer' | 'PoP';
  tenant?: string;
  audience?: string;
  serverId: string;
  /** The audience --server-id asks for, in the form the mode gets (`spn:<id>` with --legacy). */
  expectedAudience: string;
  audienceMatches: boolean;
  kind: 'user' | 'app';
  /** upn, else unique_name, else preferred_username. */
  user?: string;
  userClaim?: 'upn' | 'unique_name' | 'preferred_username';
  /** appid (v1) or azp (v2): the service principal itself, or the client app a user signed in with. */
  appId?: string;
  objectId?: string;
  /** Undefined when the token carries an overage instead of the list. */
  groups?: string[];
  groupsOverage?: GroupsOverage;
  roles: string[];
  scopes: string[];
  issuedAt?: number;
  expiresAt: number;
  source: TokenSource;
  /** False when the token is not a JWT: only its expiry is known. */
  decoded: boolean;
}

const LEGACY_MODES = new Set(['devicecode', 'spn']);

export function describeToken(token: string, expiresOn: number, source: TokenSource, o: TokenOptions): Identity {
  const outer = decodeJwtPayload(token);
  const pop = typeof outer?.at === 'string';
  const claims = (pop ? decodeJwtPayload(outer.at as string) : outer) ?? {};
  const serverId = o.serverId.replace(/\/\.default$/, '').replace(/\/+$/, '');
  const legacy = o.legacy && LEGACY_MODES.has(o.loginMethod);
  const expectedAudience = legacy ? `spn:${serverId}` : serverId;
  const audience = audienceOf(claims);
  const user = userOf(claims);
  return {
    login: o.loginMethod + (legacy ? ' (--legacy)' : ''),
    tokenType: pop ? 'PoP' : 'Bearer',
    tenant: str(claims.tid) ?? (o.tenantId || undefined),
    audience,
    serverId,
    expectedAudience,
    audienceMatches: audience !== undefined && sameAudience(audience, serverId),
    kind: user || claims.idtyp === 'user' || claims.scp !== undefined ? 'user' : 'app',
    user: user?.value,
    userClaim: user?.claim,
    appId: str(claims.appid) ?? str(claims.azp),
    objectId: str(claims.oid),
    ...groupsOf(claims),
    roles: list(claims.roles),
    scopes: typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [],
    issuedAt: seconds(claims.iat),
    expiresAt: seconds(claims.exp) ?? expiresOn,
    source,
    decoded: outer !== undefined,
  };
}

/** Entra writes `spn:<id>` for v1 (--legacy) tokens; either form names the same API. */
function sameAudience(aud: string, serverId: string): boolean {
  const plain = aud.replace(/^spn:/, '').replace(/\/+$/, '');
  return plain.toLowerCase() === serverId.toLowerCase();
}

function audienceOf(c: Claims): string | undefined {
  if (Array.isArray(c.aud)) return c.aud.map(String).join(', ');
  return str(c.aud);
}

function userOf(c: Claims): { value: string; claim: NonNullable<Identity['userClaim']> } | undefined {
  for (const claim of ['upn', 'unique_name', 'preferred_username'] as const) {
    const value = str(c[claim]);
    if (value) return { value, claim };
  }
  return undefined;
}

function groupsOf(c: Claims): Pick<Identity, 'groups' | 'groupsOverage'> {
  const names = c._claim_names as Record<string, unknown> | undefined;
  const sourceName = names && typeof names === 'object' ? str(names.groups) : undefined;
  if (sourceName) {
    const sources = c._claim_sources as Record<string, { endpoint?: unknown }> | undefined;
    return { groupsOverage: { form: 'claim-sources', endpoint: str(sources?.[sourceName]?.endpoint) } };
  }
  if (c.hasgroups === true || c.hasgroups === 'true') return { groupsOverage: { form: 'hasgroups' } };
  return { groups: list(c.groups) };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : [];
}

function seconds(v: unknown): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n * 1000 : undefined;
}
