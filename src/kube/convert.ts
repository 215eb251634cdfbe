// convert-kubeconfig, pure: kubeconfig documents + the command line → new documents in which every
// Azure user (auth-provider "azure", or an exec running kubelogin) runs `kubelogin get-token`.
// The argument rules are Azure/kubelogin's (KUBELOGIN.md §8); docs/convert-kubeconfig.md lists them.
// Each login mode's own args come from its descriptor (login/modes/*.ts, convertArgs).
import { UsageError } from '../errors';
import { modeFor } from '../login/select';
import { pair, required, type ConvertFlags, type ConvertValues } from '../login/convert-args';
import { execArg, parseExecArgs, type ExecArgs } from './exec-args';
import { contextUser, isMap, scalarText, userName, type YamlMap } from './kubeconfig-model';

export interface ConvertRequest {
  /** --login after the env step (AAD_LOGIN_METHOD), default devicecode. */
  login: string;
  /** Flags given on the command line (long names), with their values after the env step. */
  flags: ConvertFlags;
  context?: string;
  azureConfigDir?: string;
}

type Flags = ConvertFlags;

const EXEC_API_VERSION = 'client.authentication.k8s.io/v1beta1';
const INSTALL_HINT = '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://azure.github.io/kubelogin/\n';
const AKS_SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

/** Converts every Azure user (only the --context's user when given); the first definition of a user name wins. */
export function convertKubeconfigs(docs: readonly YamlMap[], req: ConvertRequest): YamlMap[] {
  const target = req.context ? contextUser(docs, req.context) : undefined;
  const seen = new Set<string>();
  return docs.map((doc) => {
    if (!Array.isArray(doc.users)) return doc;
    const users = doc.users.map((entry: unknown) => {
      const name = userName(entry);
      if (name === undefined || seen.has(name)) return entry;
      seen.add(name);
      if (target !== undefined && name !== target) return entry;
      const user = isMap(entry) && isMap(entry.user) ? convertUser(name, entry.user, req) : undefined;
      return user ? { ...(entry as YamlMap), user } : entry;
    });
    return { ...doc, users };
  });
}

export function isAzureUser(user: YamlMap): boolean {
  return azureProvider(user) !== undefined || kubeloginExec(user) !== undefined;
}

/** The new user entry, or undefined when the user is not an Azure one (left alone). */
export function convertUser(name: string, user: YamlMap, req: ConvertRequest): YamlMap | undefined {
  if (!isAzureUser(user)) return undefined;
  const oldExec = isMap(user.exec) ? user.exec : undefined;
  const exec = {
    apiVersion: EXEC_API_VERSION,
    args: withUserName(name, () => buildArgs(valuesFor(user, req.flags), req)),
    command: 'kubelogin',
    env: req.login === 'azurecli' && req.azureConfigDir ? [{ name: 'AZURE_CONFIG_DIR', value: req.azureConfigDir }] : null,
    installHint: typeof oldExec?.installHint === 'string' && oldExec.installHint ? oldExec.installHint : INSTALL_HINT,
    provideClusterInfo: false,
  };
  return replaceAuth(user, exec);
}

function azureProvider(user: YamlMap): YamlMap | undefined {
  const provider = user['auth-provider'];
  if (!isMap(provider) || provider.name !== 'azure') return undefined;
  return isMap(provider.config) ? provider.config : {};
}

function kubeloginExec(user: YamlMap): YamlMap | undefined {
  const exec = user.exec;
  return isMap(exec) && scalarText(exec.command).toLowerCase().includes('kubelogin') ? exec : undefined;
}

/** The auth-provider goes; exec takes its place (or the old exec's place) so the key order stays. */
function replaceAuth(user: YamlMap, exec: YamlMap): YamlMap {
  const out: YamlMap = {};
  const hasExec = 'exec' in user;
  for (const [key, value] of Object.entries(user)) {
    if (key === 'exec' || (key === 'auth-provider' && !hasExec)) out.exec = exec;
    else if (key !== 'auth-provider') out[key] = value;
  }
  return out;
}

function valuesFor(user: YamlMap, flags: Flags): ConvertValues {
  const config = azureProvider(user);
  const exec = kubeloginExec(user);
  const args = parseExecArgs(exec && Array.isArray(exec.args) ? exec.args : []).byName;
  // server, client, tenant, environment: the flag, else the auth-provider's config, else the old args.
  const identity = (flag: string, key: string) =>
    flags.has(flag) ? String(flags.get(flag)) : config ? text(config[key]) : execArg(args, flag);
  const other = (flag: string) => (flags.has(flag) ? String(flags.get(flag)) : execArg(args, flag));
  return {
    serverId: identity('server-id', 'apiserver-id'),
    clientId: identity('client-id', 'client-id'),
    tenantId: identity('tenant-id', 'tenant-id'),
    environment: identity('environment', 'environment'),
    cacheDir: cacheDirFor(flags, args),
    legacy: legacyFor(flags, config, args),
    popEnabled: flags.has('pop-enabled') ? flags.get('pop-enabled') === true : args.get('pop-enabled') === true,
    popClaims: other('pop-claims'),
    redirectUrl: other('redirect-url'),
    loginHint: other('login-hint'),
  };
}

function cacheDirFor(flags: Flags, args: ExecArgs): string {
  const flag = flags.has('cache-dir') ? 'cache-dir' : flags.has('token-cache-dir') ? 'token-cache-dir' : undefined;
  if (flag) return String(flags.get(flag));
  return execArg(args, 'cache-dir') || execArg(args, 'token-cache-dir');
}

/** config-mode "1" means the v2 audience; absent, "" or "0" means the legacy `spn:` one. */
function legacyFor(flags: Flags, config: YamlMap | undefined, args: ExecArgs): boolean {
  // Unlike Azure/kubelogin, an explicit --legacy=false removes --legacy.
  if (flags.has('legacy')) return flags.get('legacy') === true;
  if (config) return ['', '0'].includes(text(config['config-mode']));
  return args.get('legacy') === true;
}

function buildArgs(v: ConvertValues, req: ConvertRequest): string[] {
  const mode = modeFor(req.login);
  const serverId = required(v.serverId, '--server-id', `pass --server-id (for AKS: ${AKS_SERVER_ID})`);
  return ['get-token', '--login', req.login, '--server-id', serverId, ...pair('--cache-dir', v.cacheDir), ...mode.convertArgs(v, req.flags)];
}

function withUserName<T>(name: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof UsageError) err.message = err.message.replace(';', ` (kubeconfig user "${name}");`);
    throw err;
  }
}

function text(value: unknown): string {
  return scalarText(value);
}
