// Every environment variable name the plugin reads, in one place (Azure/kubelogin's names).

export const ENV = {
  loginMethod: 'AAD_LOGIN_METHOD',
  aadClientId: 'AAD_SERVICE_PRINCIPAL_CLIENT_ID',
  aadClientSecret: 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET',
  aadClientCertificate: 'AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE',
  aadClientCertificatePassword: 'AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE_PASSWORD',
  aadUsername: 'AAD_USER_PRINCIPAL_NAME',
  aadPassword: 'AAD_USER_PRINCIPAL_PASSWORD',
  azureClientId: 'AZURE_CLIENT_ID',
  azureClientSecret: 'AZURE_CLIENT_SECRET',
  azureClientCertificatePath: 'AZURE_CLIENT_CERTIFICATE_PATH',
  azureClientCertificatePassword: 'AZURE_CLIENT_CERTIFICATE_PASSWORD',
  azureTenantId: 'AZURE_TENANT_ID',
  azureUsername: 'AZURE_USERNAME',
  azurePassword: 'AZURE_PASSWORD',
  azureAuthorityHost: 'AZURE_AUTHORITY_HOST',
  azureFederatedTokenFile: 'AZURE_FEDERATED_TOKEN_FILE',
  armClientId: 'ARM_CLIENT_ID',
  armClientSecret: 'ARM_CLIENT_SECRET',
  armClientCertificatePath: 'ARM_CLIENT_CERTIFICATE_PATH',
  armClientCertificatePassword: 'ARM_CLIENT_CERTIFICATE_PASSWORD',
  armTenantId: 'ARM_TENANT_ID',
  pipelinesClientId: 'AZURESUBSCRIPTION_CLIENT_ID',
  pipelinesTenantId: 'AZURESUBSCRIPTION_TENANT_ID',
  pipelinesServiceConnectionId: 'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID',
  systemAccessToken: 'SYSTEM_ACCESSTOKEN',
  /** App Service / Container Apps managed identity (read by MSAL). */
  identityHeader: 'IDENTITY_HEADER',
  /** Older App Service / Service Fabric managed identity (read by MSAL). */
  msiSecret: 'MSI_SECRET',
  systemOidcRequestUri: 'SYSTEM_OIDCREQUESTURI',
  actionsIdTokenRequestToken: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  actionsIdTokenRequestUrl: 'ACTIONS_ID_TOKEN_REQUEST_URL',
  cliTimeout: 'AZURE_CLI_TIMEOUT',
  kubeCacheDir: 'KUBECACHEDIR',
  execInfo: 'KUBERNETES_EXEC_INFO',
  azureConfigDir: 'AZURE_CONFIG_DIR',
  azdConfigDir: 'AZD_CONFIG_DIR',
  kubeconfig: 'KUBECONFIG',
  /** always | never | auto: whether devicecode/interactive may wait for a person (src/login/sign-in-policy.ts). */
  interactive: 'KUBELOGIN_INTERACTIVE',
  /** How long a run waits for another run's lock before going ahead on its own (tests, slow CI). */
  lockTimeout: 'KUBELOGIN_LOCK_TIMEOUT_MS',
  /** get-token --force-refresh for kubectl runs, whose plugin args come from the kubeconfig. */
  forceRefresh: 'KUBELOGIN_FORCE_REFRESH',
} as const;

export type Env = Record<string, string | undefined>;

/**
 * Variables whose value is a credential, whichever mode or override applies: a run registers them all
 * with the redactor, so an upstream that echoes one (App Service's IDENTITY_HEADER) never has it printed.
 */
export const SECRET_ENV = [
  ENV.aadClientSecret, ENV.azureClientSecret, ENV.armClientSecret,
  ENV.aadClientCertificatePassword, ENV.azureClientCertificatePassword, ENV.armClientCertificatePassword,
  ENV.aadPassword, ENV.azurePassword,
  ENV.systemAccessToken, ENV.actionsIdTokenRequestToken, ENV.identityHeader, ENV.msiSecret,
] as const;
