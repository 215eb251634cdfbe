// argv + env → TokenOptions, as Azure/kubelogin's UpdateFromEnv orders them (KUBELOGIN.md §3).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lightParse } from '../../../src/cli/argv';
import { authorityHostFor, resolveTokenOptions, validateTokenOptions, type TokenOptions } from '../../../src/cli/options';
import { scopeFor } from '../../../src/login/scope';

function resolve(argv: string[], env: Record<string, string> = {}): TokenOptions {
  const parsed = lightParse(argv);
  assert.ok(parsed, `hit parser rejected ${argv.join(' ')}`);
  return resolveTokenOptions(parsed.flags, { HOME: '/home/u', ...env }).options;
}

const cases: Array<{ name: string; argv: string[]; env?: Record<string, string>; want: Partial<TokenOptions> }> = [
  { name: 'defaults', argv: [], want: { loginMethod: 'devicecode', environment: 'AzurePublicCloud', timeoutMs: 60_000, cacheDir: '/home/u/.kube/cache/kubelogin' } },
  { name: 'KUBECACHEDIR changes the default cache dir', argv: [], env: { KUBECACHEDIR: '/c' }, want: { cacheDir: '/c' } },
  { name: '--cache-dir beats KUBECACHEDIR', argv: ['--cache-dir', '/x'], env: { KUBECACHEDIR: '/c' }, want: { cacheDir: '/x' } },
  { name: 'last of --cache-dir/--token-cache-dir wins', argv: ['--cache-dir', '/a', '--token-cache-dir', '/b'], want: { cacheDir: '/b' } },
  { name: 'last of --token-cache-dir/--cache-dir wins', argv: ['--token-cache-dir=/b', '--cache-dir=/a'], want: { cacheDir: '/a' } },
  { name: 'AAD_LOGIN_METHOD beats --login', argv: ['-l', 'spn'], env: { AAD_LOGIN_METHOD: 'msi' }, want: { loginMethod: 'msi' } },
  { name: 'env set to empty still overrides', argv: ['--client-id', 'flag'], env: { AZURE_CLIENT_ID: '' }, want: { clientId: '' } },
  { name: 'AZURE_CLIENT_ID beats AAD_SERVICE_PRINCIPAL_CLIENT_ID beats flag', argv: ['--client-id', 'flag'], env: { AAD_SERVICE_PRINCIPAL_CLIENT_ID: 'aad', AZURE_CLIENT_ID: 'azure' }, want: { clientId: 'azure' } },
  { name: 'AAD_SERVICE_PRINCIPAL_CLIENT_ID beats flag', argv: ['--client-id', 'flag'], env: { AAD_SERVICE_PRINCIPAL_CLIENT_ID: 'aad' }, want: { clientId: 'aad' } },
  { name: 'secrets: AZURE_ after AAD_', argv: [], env: { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: 's1', AZURE_CLIENT_SECRET: 's2' }, want: { clientSecret: 's2' } },
  { name: 'certificate path and password', argv: [], env: { AAD_SERVICE_PRINCIPAL_CLIENT_CERTIFICATE: '/c.pem', AZURE_CLIENT_CERTIFICATE_PASSWORD: 'pw' }, want: { clientCertificate: '/c.pem', clientCertificatePassword: 'pw' } },
  { name: 'tenant from AZURE_TENANT_ID', argv: ['-t', 'flag'], env: { AZURE_TENANT_ID: 'env' }, want: { tenantId: 'env' } },
  { name: 'azurerm: ARM_* replace AAD_/AZURE_', argv: ['--use-azurerm-env-vars'], env: { ARM_CLIENT_ID: 'arm', AZURE_CLIENT_ID: 'azure', ARM_TENANT_ID: 'armt', AZURE_TENANT_ID: 'azt', ARM_CLIENT_SECRET: 'as' }, want: { clientId: 'arm', tenantId: 'armt', clientSecret: 'as' } },
  { name: 'azurerm: AZURE_TENANT_ID not read', argv: ['--use-azurerm-env-vars', '-t', 'flag'], env: { AZURE_TENANT_ID: 'azt' }, want: { tenantId: 'flag' } },
  { name: 'ropc env', argv: ['--username', 'u', '--password', 'p'], env: { AAD_USER_PRINCIPAL_NAME: 'aadu', AZURE_PASSWORD: 'azp' }, want: { username: 'aadu', password: 'azp' } },
  { name: 'workloadidentity: AZURE_CLIENT_ID beats ARM_CLIENT_ID', argv: ['--use-azurerm-env-vars', '-l', 'workloadidentity'], env: { ARM_CLIENT_ID: 'arm', AZURE_CLIENT_ID: 'azure', AZURE_FEDERATED_TOKEN_FILE: '/f' }, want: { clientId: 'azure', federatedTokenFile: '/f' } },
  { name: 'federated token file only for workloadidentity', argv: ['-l', 'spn'], env: { AZURE_FEDERATED_TOKEN_FILE: '/f' }, want: { federatedTokenFile: '' } },
  { name: 'AZURE_AUTHORITY_HOST applies to every mode', argv: ['-l', 'spn', '--authority-host', 'https://a/'], env: { AZURE_AUTHORITY_HOST: 'https://b/' }, want: { authorityHost: 'https://b/' } },
  { name: 'azurepipelines: AZURESUBSCRIPTION_* fill only empty fields', argv: ['-l', 'azurepipelines', '--client-id', 'flag'], env: { AZURESUBSCRIPTION_CLIENT_ID: 'sub', AZURESUBSCRIPTION_TENANT_ID: 'subt', AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: 'sc' }, want: { clientId: 'flag', tenantId: 'subt', azurePipelinesServiceConnectionId: 'sc' } },
  { name: 'azurepipelines: AZURE_TENANT_ID applied before AZURESUBSCRIPTION_TENANT_ID', argv: ['-l', 'azurepipelines'], env: { AZURE_TENANT_ID: 'az', AZURESUBSCRIPTION_TENANT_ID: 'sub' }, want: { tenantId: 'az' } },
  { name: 'AZURE_CLI_TIMEOUT overrides --timeout', argv: ['--timeout', '10s'], env: { AZURE_CLI_TIMEOUT: '2m' }, want: { timeoutMs: 120_000, timeoutSet: true } },
  { name: 'unparsable AZURE_CLI_TIMEOUT is ignored', argv: ['--timeout', '10s'], env: { AZURE_CLI_TIMEOUT: 'soon' }, want: { timeoutMs: 10_000 } },
  { name: '--disable-environment-override skips the env step', argv: ['--disable-environment-override', '-l', 'spn', '--client-id', 'flag'], env: { AAD_LOGIN_METHOD: 'msi', AZURE_CLIENT_ID: 'env', AZURE_CLI_TIMEOUT: '5s', AZURE_AUTHORITY_HOST: 'https://b/' }, want: { loginMethod: 'spn', clientId: 'flag', timeoutMs: 60_000, authorityHost: '' } },
  { name: '--disable-environment-override keeps KUBECACHEDIR', argv: ['--disable-environment-override'], env: { KUBECACHEDIR: '/c' }, want: { cacheDir: '/c' } },
  { name: 'boolean forms', argv: ['--legacy=true', '--pop-enabled=false', '--disable-instance-discovery'], want: { legacy: true, popEnabled: false, disableInstanceDiscovery: true } },
  { name: 'short aliases', argv: ['-l', 'azurecli', '-t', 'tid', '-s', 'sub', '-e', 'AzureChinaCloud'], want: { loginMethod: 'azurecli', tenantId: 'tid', subscription: 'sub', environment: 'AzureChinaCloud' } },
];

for (const c of cases) {
  test(`options: ${c.name}`, () => {
    const got = resolve(c.argv, c.env);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof TokenOptions], v, k);
  });
}

test('validation errors keep upstream wording and say what to do', () => {
  const invalid: Array<[string[], RegExp]> = [
    [['-l', 'magic'], /'magic' is not a supported login method\. Supported method is one of devicecode, interactive, spn, ropc, msi, azurecli, azd, workloadidentity, azurepipelines/],
    [['--authority-host', 'https://login.example.com'], /authority host "https:\/\/login\.example\.com" should have a trailing slash/],
    [['--authority-host', 'not a url/'], /authority host "not a url\/" is not valid/],
    [['--pop-enabled'], /if enabling pop token mode, please provide the pop-claims flag/],
    [['--pop-claims', 'u=x'], /pop-enabled flag is required to use the PoP token feature/],
    [['--timeout', '0s'], /timeout must be greater than 0/],
    [['--authority-host', 'http://login.example.com/'], /authority host "http:\/\/login\.example\.com\/" must use https:\/\//],
    [['--environment', 'AzureStackCloud'], /unknown --environment "AzureStackCloud": use AzurePublicCloud, AzureUSGovernment or AzureChinaCloud/],
    [['-e', 'AzureChina'], /unknown --environment "AzureChina"/],
    [['-e', 'AzureGermanCloud', '--authority-host', 'https://login.example/'], /unknown --environment "AzureGermanCloud"/],
  ];
  for (const [argv, re] of invalid) assert.throws(() => validateTokenOptions(resolve(argv)), re, argv.join(' '));
  assert.throws(() => resolve(['--timeout', 'forever']), /invalid duration "forever"/);
});

test('scope: GetScope rules', () => {
  assert.equal(scopeFor('6dae42f8-4368-4678-94ff-3960e28e3630'), '6dae42f8-4368-4678-94ff-3960e28e3630/.default');
  assert.equal(scopeFor('https://x/'), 'https://x/.default');
  assert.equal(scopeFor('https://x//'), 'https://x/.default');
  assert.equal(scopeFor('api://x/.default'), 'api://x/.default');
});

test('clouds: --authority-host wins, environment matched case-insensitively, unknown is an error', () => {
  const table: Array<[string, string, string]> = [
    ['', 'AzurePublicCloud', 'https://login.microsoftonline.com/'],
    ['', 'azurecloud', 'https://login.microsoftonline.com/'],
    ['', 'AzureUSGovernmentCloud', 'https://login.microsoftonline.us/'],
    ['', 'AZUREUSGOVERNMENT', 'https://login.microsoftonline.us/'],
    ['', 'AzureChinaCloud', 'https://login.chinacloudapi.cn/'],
    ['', 'azurepublic', 'https://login.microsoftonline.com/'],
    ['', '', 'https://login.microsoftonline.com/'],
    ['https://127.0.0.1:8443/', 'AzureChinaCloud', 'https://127.0.0.1:8443/'],
  ];
  for (const [authorityHost, environment, want] of table) assert.equal(authorityHostFor({ authorityHost, environment }), want);
  assert.throws(() => authorityHostFor({ authorityHost: '', environment: 'AzureStackCloud' }), /unknown --environment "AzureStackCloud".*AzureChinaCloud/);
});
