// Which identity a get-token run asks for, and the cache key derived from it. Two clusters, tenants,
// accounts or modes never share an entry. Used by the hit path, so only node built-ins here.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, type Env } from '../cli/env';
import { authorityHostFor, scopeFor, type TokenOptions } from '../cli/options';
import { ConfigError } from '../errors';
import { homeDir } from '../platform/home';
import { MIB, readBoundedText, UnreadableFileError } from '../platform/read-bounded';
import { sha256Hex } from './sha256';

/** azureProfile.json lists every subscription the account sees (~0.5 KiB each). */
const MAX_AZ_PROFILE_BYTES = 16 * MIB;

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
  const base = { login: o.loginMethod, authorityHost: authorityHostFor(o).toLowerCase(), tenantId: o.tenantId, clientId: o.clientId, scope: scopeFor(o.serverId) };
  const legacy = o.legacy ? 'legacy' : '';
  const pop = o.popEnabled ? `pop:${o.popClaims}` : '';
  switch (o.loginMethod) {
    case 'msi':
      // A client id wins over a resource id, as in Azure/kubelogin; neither means system-assigned.
      return { ...base, authorityHost: '', tenantId: '', extra: o.clientId ? `client:${o.clientId}` : o.identityResourceId ? `resource:${o.identityResourceId.toLowerCase()}` : 'system' };
    case 'azurecli':
      return { ...base, authorityHost: '', clientId: '', extra: `az:${azActiveAccount(env)}|sub:${o.subscription}` };
    case 'azd':
      return { ...base, authorityHost: '', clientId: '', extra: `azd:${azdSignIn(env)}` };
    case 'ropc':
      return { ...base, extra: [o.username.toLowerCase(), legacy, pop].filter(Boolean).join('|') };
    case 'interactive':
      return { ...base, extra: [o.loginHint.toLowerCase(), pop].filter(Boolean).join('|') };
    case 'spn':
      return { ...base, extra: [legacy, pop].filter(Boolean).join('|') };
    case 'azurepipelines':
      return { ...base, extra: `sc:${o.azurePipelinesServiceConnectionId}` };
    default:
      return { ...base, extra: legacy };
  }
}

export function cacheKey(id: Identity): string {
  const canonical = JSON.stringify([id.login, id.authorityHost, id.tenantId.toLowerCase(), id.clientId.toLowerCase(), id.scope, id.extra]);
  return sha256Hex(canonical).slice(0, 40);
}

/** The signed-in account and default subscription of the Azure CLI, so `az logout`/`az account set` change the key. */
export function azActiveAccount(env: Env): string {
  const dir = env[ENV.azureConfigDir] || join(homeDir(env), '.azure');
  let text: string;
  try {
    text = readBoundedText(join(dir, 'azureProfile.json'), MAX_AZ_PROFILE_BYTES).replace(/^\uFEFF/, '');
  } catch (err) {
    // az itself reads the same file; a device, FIFO or giant here is a mistake (or a trap), not a profile.
    if (err instanceof UnreadableFileError && ['ENOTREG', 'EFBIG', 'EISDIR'].includes(err.code)) {
      throw new ConfigError(`cannot read the Azure CLI profile: ${err.message}; point ${ENV.azureConfigDir} at the folder \`az login\` uses (default ~/.azure)`);
    }
    return 'unknown';
  }
  try {
    const profile = JSON.parse(text) as { subscriptions?: Array<{ id?: string; tenantId?: string; isDefault?: boolean; user?: { name?: string } }> };
    const current = profile.subscriptions?.find((s) => s.isDefault);
    if (!current) return 'none';
    return `${current.user?.name ?? ''}@${current.tenantId ?? ''}/${current.id ?? ''}`.toLowerCase();
  } catch {
    return 'unknown';
  }
}

/**
 * azd's sign-in state, as cheaply as one stat: `azd auth login` and `azd auth logout` rewrite its
 * config.json, so a new mtime/size means a new key and a fresh `azd auth token` call.
 */
export function azdSignIn(env: Env): string {
  const dir = env[ENV.azdConfigDir] || join(homeDir(env), '.azd');
  try {
    const st = statSync(join(dir, 'config.json'));
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'none';
  }
}
