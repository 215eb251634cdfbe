// whoami's two outputs: an aligned table for people, and JSON (stable keys) for scripts. Neither ever
// holds the token.
import type { Identity } from './identity';

const SOURCE_LABEL: Record<Identity['source'], string> = { cache: 'cache hit', refreshed: 'refreshed', new: 'new sign-in' };

export function whoamiJson(id: Identity): string {
  const out = {
    login: id.login,
    tokenType: id.tokenType,
    tenant: id.tenant ?? null,
    audience: id.audience ?? null,
    serverId: id.serverId,
    audienceMatchesServerId: id.audienceMatches,
    kind: id.kind,
    user: id.user ?? null,
    userClaim: id.userClaim ?? null,
    appId: id.appId ?? null,
    objectId: id.objectId ?? null,
    groups: id.groups ?? null,
    groupsOverage: id.groupsOverage ?? null,
    roles: id.roles,
    scopes: id.scopes,
    issuedAt: iso(id.issuedAt),
    expiresAt: iso(id.expiresAt),
    source: SOURCE_LABEL[id.source],
    claimsDecoded: id.decoded,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

export function whoamiTable(id: Identity, now: number): string {
  const rows: Array<[string, string | string[]]> = [['login mode', id.tokenType === 'PoP' ? `${id.login} (PoP token)` : id.login]];
  if (!id.decoded) rows.push(['token', 'not a JWT: no claims to show']);
  rows.push(['tenant', id.tenant ?? '-'], ['audience', audienceText(id)]);
  if (id.kind === 'user') rows.push(['user', id.user ? `${id.user} (${id.userClaim})` : '-'], ['client app id', id.appId ?? '-']);
  else rows.push(['app id', id.appId ?? '-']);
  rows.push(['object id', id.objectId ?? '-'], ['groups', groupsText(id)], ['roles', id.roles.length ? id.roles : 'none']);
  if (id.scopes.length) rows.push(['scopes', id.scopes.join(' ')]);
  rows.push(['issued', iso(id.issuedAt) ?? '-'], ['expires', `${iso(id.expiresAt)} (${relative(id.expiresAt, now)})`], ['source', SOURCE_LABEL[id.source]]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows
    .map(([k, v]) => (Array.isArray(v) ? v : [v]).map((line, i) => `${(i ? '' : k).padEnd(width)}${line}`).join('\n'))
    .join('\n') + '\n';
}

function audienceText(id: Identity): string {
  if (!id.audience) return `- (expected ${id.expectedAudience})`;
  if (id.audienceMatches) return `${id.audience} (matches --server-id${id.audience.startsWith('spn:') ? ', spn: form of --legacy' : ''})`;
  return `${id.audience} (does NOT match --server-id ${id.expectedAudience}: the API server will reject this token)`;
}

function groupsText(id: Identity): string | string[] {
  const o = id.groupsOverage;
  if (o?.form === 'claim-sources') {
    return [
      'not in the token: groups overage (_claim_names/_claim_sources; over 200 groups)',
      `the cluster must look them up in Microsoft Graph${o.endpoint ? ` (${o.endpoint})` : ''}`,
    ];
  }
  if (o) return ['not in the token: groups overage (hasgroups)', 'the cluster must look them up in Microsoft Graph'];
  return id.groups?.length ? id.groups : 'none';
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function relative(at: number, now: number): string {
  const minutes = Math.round(Math.abs(at - now) / 60_000);
  const span = minutes >= 120 ? `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m` : `${minutes}m`;
  return at >= now ? `in ${span}` : `expired ${span} ago`;
}
