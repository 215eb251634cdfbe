// The flags table: one row per flag, as Azure/kubelogin spells them, with its aliases, the
// TokenOptions field it sets and the env vars that override it (in precedence order). Every parser
// reads it: the light get-token parser (cli/argv.ts), yargs (cli/parse.ts) and the kubeconfig exec
// args reader (kube/exec-args.ts); cli/options.ts applies fields and env names from it.
import { ENV } from './env';
import { LOGIN_METHODS, type LoginMethod } from '../login/methods';
import type { TokenOptions } from './options';

export interface FlagSpec {
  name: string;
  alias?: string;
  /** 'duration' is a string in Go's time.ParseDuration syntax ("90s", "1m30s"). */
  type: 'string' | 'boolean' | 'duration';
  describe: string;
  deprecated?: string;
  hidden?: boolean;
}

/** Env vars that override a flag (Azure/kubelogin's UpdateFromEnv): any that is present wins, even empty. */
export interface EnvNames {
  /** Read in this order, so the last present one wins. */
  names?: readonly string[];
  /** Read instead of `names` with --use-azurerm-env-vars. */
  azurerm?: readonly string[];
  /** Read after the login method is final, only for that method; `fillEmpty`: only when still empty. */
  byLogin?: Partial<Record<LoginMethod, { names: readonly string[]; fillEmpty?: boolean }>>;
  /** This project's own variables: read last, even with --disable-environment-override. */
  own?: readonly string[];
}

/** A get-token flag: its value lands in a TokenOptions field, so none can be parsed and then dropped. */
export interface TokenFlag extends FlagSpec {
  field: keyof TokenOptions;
  env?: EnvNames;
  /** Never printed: registered with the logger, shown as [REDACTED] by convert-kubeconfig --dry-run. */
  secret?: boolean;
}

export const TOKEN_FLAGS: readonly TokenFlag[] = [
  {
    name: 'login', alias: 'l', type: 'string', field: 'loginMethod', env: { names: [ENV.loginMethod] },
    describe: `Login method. Supported methods: ${LOGIN_METHODS.join(', ')}. It may be specified in AAD_LOGIN_METHOD environment variable (default "devicecode")`,
  },
  { name: 'server-id', type: 'string', field: 'serverId', describe: 'AAD server application ID' },
  {
    name: 'client-id', type: 'string', field: 'clientId',
    env: {
      names: [ENV.aadClientId, ENV.azureClientId],
      azurerm: [ENV.armClientId],
      byLogin: { workloadidentity: { names: [ENV.azureClientId] }, azurepipelines: { names: [ENV.pipelinesClientId], fillEmpty: true } },
    },
    describe: 'AAD client application ID. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_ID or AZURE_CLIENT_ID environment variable',
  },
  {
    name: 'client-secret', type: 'string', field: 'clientSecret', secret: true,
    env: { names: [ENV.aadClientSecret, ENV.azureClientSecret], azurerm: [ENV.armClientSecret] },
    describe: 'AAD client application secret. Used in spn login. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_SECRET or AZURE_CLIENT_SECRET environment variable',
  },
  {
    name: 'client-certificate', type: 'string', field: 'clientCertificate',
    env: { names: [ENV.aadClientCertificate, ENV.azureClientCertificatePath], azurerm: [ENV.armClientCertificatePath] },
    describe: 'AAD client cert in pfx or PEM format. Used in spn login. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE or AZURE_CLIENT_CERTIFICATE_PATH environment variable',
  },
  {
    name: 'client-certificate-password', type: 'string', field: 'clientCertificatePassword', secret: true,
    env: { names: [ENV.aadClientCertificatePassword, ENV.azureClientCertificatePassword], azurerm: [ENV.armClientCertificatePassword] },
    describe: 'Password for AAD client cert. Used in spn login. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE_PASSWORD or AZURE_CLIENT_CERTIFICATE_PASSWORD environment variable',
  },
  {
    name: 'username', type: 'string', field: 'username', env: { names: [ENV.aadUsername, ENV.azureUsername] },
    describe: 'user name for ropc login flow. It may be specified in AAD_USER_PRINCIPAL_NAME or AZURE_USERNAME environment variable',
  },
  {
    name: 'password', type: 'string', field: 'password', secret: true, env: { names: [ENV.aadPassword, ENV.azurePassword] },
    describe: 'password for ropc login flow. It may be specified in AAD_USER_PRINCIPAL_PASSWORD or AZURE_PASSWORD environment variable',
  },
  { name: 'identity-resource-id', type: 'string', field: 'identityResourceId', describe: 'Managed Identity resource id.' },
  {
    name: 'tenant-id', alias: 't', type: 'string', field: 'tenantId',
    env: {
      names: [ENV.azureTenantId],
      azurerm: [ENV.armTenantId],
      byLogin: { azurepipelines: { names: [ENV.pipelinesTenantId], fillEmpty: true } },
    },
    describe: 'AAD tenant ID. It may be specified in AZURE_TENANT_ID environment variable',
  },
  { name: 'subscription', alias: 's', type: 'string', field: 'subscription', describe: 'Azure subscription to use with azurecli login' },
  {
    name: 'environment', alias: 'e', type: 'string', field: 'environment',
    describe: 'Azure environment name: AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud (default "AzurePublicCloud")',
  },
  {
    // This project honours AZURE_AUTHORITY_HOST for every Entra ID mode (upstream: workload identity only).
    name: 'authority-host', type: 'string', field: 'authorityHost', env: { names: [ENV.azureAuthorityHost] },
    describe: 'Workload Identity authority host. It may be specified in AZURE_AUTHORITY_HOST environment variable. Applies to every Entra ID login mode',
  },
  {
    name: 'federated-token-file', type: 'string', field: 'federatedTokenFile',
    env: { byLogin: { workloadidentity: { names: [ENV.azureFederatedTokenFile] } } },
    describe: 'Workload Identity federated token file. It may be specified in AZURE_FEDERATED_TOKEN_FILE environment variable',
  },
  {
    name: 'azure-pipelines-service-connection-id', type: 'string', field: 'azurePipelinesServiceConnectionId',
    env: { byLogin: { azurepipelines: { names: [ENV.pipelinesServiceConnectionId], fillEmpty: true } } },
    describe: 'Service connection (resource) ID used by azurepipelines login. It may be specified in AZURESUBSCRIPTION_SERVICE_CONNECTION_ID environment variable',
  },
  { name: 'cache-dir', type: 'string', field: 'cacheDir', describe: 'directory to cache token (default "$KUBECACHEDIR" or "~/.kube/cache/kubelogin")' },
  {
    name: 'token-cache-dir', type: 'string', field: 'cacheDir', describe: 'directory to cache token', deprecated: 'use --cache-dir instead', hidden: true,
  },
  { name: 'legacy', type: 'boolean', field: 'legacy', describe: 'set to true to get token with \'spn:\' prefix in audience claim' },
  {
    name: 'use-azurerm-env-vars', type: 'boolean', field: 'useAzurermEnvVars',
    describe: 'Use environment variable names of Terraform Azure Provider (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_CLIENT_CERTIFICATE_PATH, ARM_CLIENT_CERTIFICATE_PASSWORD, ARM_TENANT_ID)',
  },
  {
    name: 'pop-enabled', type: 'boolean', field: 'popEnabled',
    describe: 'set to true to use a PoP token for authentication or false to use a regular bearer token',
  },
  {
    name: 'pop-claims', type: 'string', field: 'popClaims',
    describe: 'contains a comma-separated list of claims to attach to the pop token in the format `key=val,key2=val2`. At minimum, specify the ARM ID of the cluster as `u=ARM_ID`',
  },
  {
    name: 'timeout', type: 'duration', field: 'timeoutMs', env: { names: [ENV.cliTimeout] },
    describe: 'Timeout duration for the whole get-token run, e.g. 30s, 2m. It may be specified in AZURE_CLI_TIMEOUT environment variable (default 1m0s)',
  },
  { name: 'disable-environment-override', type: 'boolean', field: 'disableEnvironmentOverride', describe: 'Enable or disable the use of env-variables. Default false' },
  {
    name: 'disable-instance-discovery', type: 'boolean', field: 'disableInstanceDiscovery',
    describe: 'set to true to disable instance discovery in environments with their own simple Identity Provider (not AAD) that do not have instance metadata discovery endpoint',
  },
  { name: 'redirect-url', type: 'string', field: 'redirectUrl', describe: 'The redirect URL used to login. Used in interactive login (e.g. http://localhost:8400)' },
  { name: 'login-hint', type: 'string', field: 'loginHint', describe: 'The login hint to pre-fill the username in the interactive login flow' },
  {
    name: 'force-refresh', type: 'boolean', field: 'forceRefresh', env: { own: [ENV.forceRefresh] },
    describe: 'skip the cached access token and ask Entra ID for a new one (after a PIM activation or a group change). It may be specified in KUBELOGIN_FORCE_REFRESH environment variable',
  },
];

/** convert-kubeconfig's own inputs (not identity options). */
export const CONVERT_FLAGS: readonly FlagSpec[] = [
  { name: 'kubeconfig', type: 'string', describe: 'Path to the kubeconfig file to use (default: $KUBECONFIG or ~/.kube/config)' },
  { name: 'context', type: 'string', describe: 'The name of the kubeconfig context to use' },
  { name: 'azure-config-dir', type: 'string', describe: 'Azure CLI config path (written as AZURE_CONFIG_DIR in exec env; azurecli only)' },
  { name: 'dry-run', type: 'boolean', describe: 'print the converted kubeconfig on stdout instead of writing it' },
];

/** remove-tokens / remove-cache-dir: with --context, remove only that context's identity. */
export const REMOVE_FLAGS: readonly FlagSpec[] = [
  { name: 'kubeconfig', type: 'string', describe: 'kubeconfig to read --context from' },
  { name: 'context', type: 'string', describe: 'remove only the tokens of the identity this kubeconfig context\'s user runs' },
];

/** whoami and doctor: which kubeconfig user, and how to print the answer. */
export const REPORT_FLAGS: readonly FlagSpec[] = [
  ...CONVERT_FLAGS.filter((f) => f.name === 'kubeconfig' || f.name === 'context'),
  { name: 'output', alias: 'o', type: 'string', describe: 'Output format: table (default) or json' },
];

/** Global klog-style flags accepted by every command; they set no option. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'v', type: 'string', describe: 'number for the log level verbosity' },
  { name: 'logtostderr', type: 'boolean', describe: 'log to standard error instead of files (always true)' },
];

/** What get-token accepts: the token flags and the global ones (the light parser and exec args read these). */
export const GET_TOKEN_FLAGS: readonly FlagSpec[] = [...TOKEN_FLAGS, ...GLOBAL_FLAGS];

export function flagByName<F extends FlagSpec>(flags: readonly F[], name: string): F | undefined {
  return flags.find((f) => f.name === name || f.alias === name);
}

export function tokenFlag(name: string): TokenFlag | undefined {
  return TOKEN_FLAGS.find((f) => f.name === name);
}

/** True for a flag of some command's table that sets no TokenOptions field (--kubeconfig, -v...). */
export function isCommandFlag(name: string): boolean {
  return [CONVERT_FLAGS, REMOVE_FLAGS, REPORT_FLAGS, GLOBAL_FLAGS].some((table) => table.some((f) => f.name === name));
}

/** The env vars that set a flag's field for these options, as a remedy names them ("A or B"). */
export function envNamesFor(flag: TokenFlag, o: Pick<TokenOptions, 'loginMethod' | 'useAzurermEnvVars'>): readonly string[] {
  const env = flag.env;
  return env?.byLogin?.[o.loginMethod]?.names ?? (o.useAzurermEnvVars ? env?.azurerm : undefined) ?? env?.names ?? [];
}
