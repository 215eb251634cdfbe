// --login azurecli: the Azure CLI's sign-in (login/azurecli.ts).
import { join } from 'node:path';
import { ENV, type Env } from '../../cli/env';
import { ConfigError } from '../../errors';
import { MIB, readBoundedText, UnreadableFileError } from '../../platform/read-bounded';
import { homeDir } from '../../platform/home';
import { flagOnly } from '../convert-args';
import { defineMode } from '../mode';

export const azurecli = defineMode({
  name: 'azurecli',
  kind: 'app',
  requires: [],
  // az picks the client and the cloud; who is signed in and the subscription pick the principal.
  identity: (o, env) => ({ authorityHost: '', clientId: '', extra: `az:${azActiveAccount(env)}|sub:${o.subscription}` }),
  identityFiles: (env) => [azProfilePath(env)],
  // The kubeconfig's tenant is dropped on purpose: az logged in with a managed identity rejects one (Azure/kubelogin#123).
  convertArgs: (_, f) => flagOnly(f, 'tenant-id', 'subscription'),
  mayPrompt: false,
});

/** Where az keeps its signed-in accounts: $AZURE_CONFIG_DIR/azureProfile.json, else ~/.azure/. */
export function azProfilePath(env: Env): string {
  return join(env[ENV.azureConfigDir] || join(homeDir(env), '.azure'), 'azureProfile.json');
}

/** azureProfile.json lists every subscription the account sees (~0.5 KiB each). */
const MAX_AZ_PROFILE_BYTES = 16 * MIB;

/** The signed-in account and default subscription of the Azure CLI, so `az logout`/`az account set` change the key. */
export function azActiveAccount(env: Env): string {
  let text: string;
  try {
    text = readBoundedText(azProfilePath(env), MAX_AZ_PROFILE_BYTES).replace(/^\uFEFF/, '');
  } catch (err) {
    // az itself reads the same file; a device, FIFO or giant here is a mistake (or a trap), not a profile.
    if (err instanceof UnreadableFileError && ['ENOTREG', 'EFBIG', 'EISDIR'].includes(err.code)) {
      throw new ConfigError(`cannot read the Azure CLI profile: ${err.message}; point ${ENV.azureConfigDir} at the folder \`az login\` uses (default ~/.azure)`);
    }
    return 'unknown';
  }
  try {
    type Subscription = { id?: string; tenantId?: string; isDefault?: boolean; user?: { name?: string } };
    const profile = JSON.parse(text) as { subscriptions?: Subscription[] };
    const current = profile.subscriptions?.find((s) => s.isDefault);
    if (!current) return 'none';
    return `${current.user?.name ?? ''}@${current.tenantId ?? ''}/${current.id ?? ''}`.toLowerCase();
  } catch {
    return 'unknown';
  }
}
