// The flags table: one row per flag, as Azure/kubelogin spells them. Both the cache-hit parser and
// the yargs wiring read this table, so the two can never disagree about names or types.

export const LOGIN_METHODS = [
  'devicecode',
  'interactive',
  'spn',
  'ropc',
  'msi',
  'azurecli',
  'azd',
  'workloadidentity',
  'azurepipelines',
] as const;
export type LoginMethod = (typeof LOGIN_METHODS)[number];

export interface FlagSpec {
  name: string;
  alias?: string;
  type: 'string' | 'boolean';
  describe: string;
  /** Where the flag is accepted besides get-token. */
  convertOnly?: boolean;
  deprecated?: string;
  hidden?: boolean;
}

export const TOKEN_FLAGS: FlagSpec[] = [
  { name: 'login', alias: 'l', type: 'string', describe: `Login method. Supported methods: ${LOGIN_METHODS.join(', ')}. It may be specified in AAD_LOGIN_METHOD environment variable (default "devicecode")` },
  { name: 'server-id', type: 'string', describe: 'AAD server application ID' },
  { name: 'client-id', type: 'string', describe: 'AAD client application ID. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_ID or AZURE_CLIENT_ID environment variable' },
  { name: 'client-secret', type: 'string', describe: 'AAD client application secret. Used in spn login. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_SECRET or AZURE_CLIENT_SECRET environment variable' },
  { name: 'client-certificate', type: 'string', describe: 'AAD client cert in pfx or PEM format. Used in spn login. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE or AZURE_CLIENT_CERTIFICATE_PATH environment variable' },
  { name: 'client-certificate-password', type: 'string', describe: 'Password for AAD client cert. Used in spn login. It may be specified in AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE_PASSWORD or AZURE_CLIENT_CERTIFICATE_PASSWORD environment variable' },
  { name: 'username', type: 'string', describe: 'user name for ropc login flow. It may be specified in AAD_USER_PRINCIPAL_NAME or AZURE_USERNAME environment variable' },
  { name: 'password', type: 'string', describe: 'password for ropc login flow. It may be specified in AAD_USER_PRINCIPAL_PASSWORD or AZURE_PASSWORD environment variable' },
  { name: 'identity-resource-id', type: 'string', describe: 'Managed Identity resource id.' },
  { name: 'tenant-id', alias: 't', type: 'string', describe: 'AAD tenant ID. It may be specified in AZURE_TENANT_ID environment variable' },
  { name: 'subscription', alias: 's', type: 'string', describe: 'Azure subscription to use with azurecli login' },
  { name: 'environment', alias: 'e', type: 'string', describe: 'Azure environment name: AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud (default "AzurePublicCloud")' },
  { name: 'authority-host', type: 'string', describe: 'Workload Identity authority host. It may be specified in AZURE_AUTHORITY_HOST environment variable. Applies to every Entra ID login mode' },
  { name: 'federated-token-file', type: 'string', describe: 'Workload Identity federated token file. It may be specified in AZURE_FEDERATED_TOKEN_FILE environment variable' },
  { name: 'azure-pipelines-service-connection-id', type: 'string', describe: 'Service connection (resource) ID used by azurepipelines login. It may be specified in AZURESUBSCRIPTION_SERVICE_CONNECTION_ID environment variable' },
  { name: 'cache-dir', type: 'string', describe: 'directory to cache token (default "$KUBECACHEDIR" or "~/.kube/cache/kubelogin")' },
  { name: 'token-cache-dir', type: 'string', describe: 'directory to cache token', deprecated: 'use --cache-dir instead', hidden: true },
  { name: 'legacy', type: 'boolean', describe: 'set to true to get token with \'spn:\' prefix in audience claim' },
  { name: 'use-azurerm-env-vars', type: 'boolean', describe: 'Use environment variable names of Terraform Azure Provider (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_CLIENT_CERTIFICATE_PATH, ARM_CLIENT_CERTIFICATE_PASSWORD, ARM_TENANT_ID)' },
  { name: 'pop-enabled', type: 'boolean', describe: 'set to true to use a PoP token for authentication or false to use a regular bearer token' },
  { name: 'pop-claims', type: 'string', describe: 'contains a comma-separated list of claims to attach to the pop token in the format `key=val,key2=val2`. At minimum, specify the ARM ID of the cluster as `u=ARM_ID`' },
  { name: 'timeout', type: 'string', describe: 'Timeout duration for the whole get-token run, e.g. 30s, 2m. It may be specified in AZURE_CLI_TIMEOUT environment variable (default 1m0s)' },
  { name: 'disable-environment-override', type: 'boolean', describe: 'Enable or disable the use of env-variables. Default false' },
  { name: 'disable-instance-discovery', type: 'boolean', describe: 'set to true to disable instance discovery in environments with their own simple Identity Provider (not AAD) that do not have instance metadata discovery endpoint' },
  { name: 'redirect-url', type: 'string', describe: 'The redirect URL used to login. Used in interactive login (e.g. http://localhost:8400)' },
  { name: 'login-hint', type: 'string', describe: 'The login hint to pre-fill the username in the interactive login flow' },
  { name: 'force-refresh', type: 'boolean', describe: 'skip the cached access token and ask Entra ID for a new one (after a PIM activation or a group change). It may be specified in KUBELOGIN_FORCE_REFRESH environment variable' },
];

export const CONVERT_FLAGS: FlagSpec[] = [
  { name: 'kubeconfig', type: 'string', describe: 'Path to the kubeconfig file to use (default: $KUBECONFIG or ~/.kube/config)' },
  { name: 'context', type: 'string', describe: 'The name of the kubeconfig context to use' },
  { name: 'azure-config-dir', type: 'string', describe: 'Azure CLI config path (written as AZURE_CONFIG_DIR in exec env; azurecli only)' },
  { name: 'dry-run', type: 'boolean', describe: 'print the converted kubeconfig on stdout instead of writing it' },
];

/** whoami and doctor: which kubeconfig user, and how to print the answer. */
export const REPORT_FLAGS: FlagSpec[] = [
  ...CONVERT_FLAGS.filter((f) => f.name === 'kubeconfig' || f.name === 'context'),
  { name: 'output', alias: 'o', type: 'string', describe: 'Output format: table (default) or json' },
];

/** Global klog-style flags accepted by every command. */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'v', type: 'string', describe: 'number for the log level verbosity' },
  { name: 'logtostderr', type: 'boolean', describe: 'log to standard error instead of files (always true)' },
];

export function flagByName(flags: FlagSpec[], name: string): FlagSpec | undefined {
  return flags.find((f) => f.name === name || f.alias === name);
}
