// Are the login mode's required inputs there? Names only: values (ids, secrets) are never shown.
// The rules are the ones each login mode applies when it runs (src/login/*.ts).
import { existsSync } from 'node:fs';
import { githubOidc } from '../login/modes/workloadidentity';
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import { fail, pass, type CheckResult, type Subject } from './check';

interface Input {
  label: string;
  present: (o: TokenOptions, env: Env) => boolean;
  fix: string;
}

const has = (field: keyof TokenOptions) => (o: TokenOptions) => !!o[field];
const SERVER_ID: Input = { label: 'server id', present: has('serverId'), fix: 'add --server-id <AAD server application ID> to the exec args (AKS: 6dae42f8-4368-4678-94ff-3960e28e3630)' };
const CLIENT_ID: Input = { label: 'client id', present: has('clientId'), fix: 'add --client-id to the exec args, or set AAD_SERVICE_PRINCIPAL_CLIENT_ID or AZURE_CLIENT_ID in the exec env' };
const TENANT_ID: Input = { label: 'tenant id', present: has('tenantId'), fix: 'add --tenant-id to the exec args, or set AZURE_TENANT_ID in the exec env' };
const USERNAME: Input = { label: 'username', present: has('username'), fix: 'add --username, or set AAD_USER_PRINCIPAL_NAME or AZURE_USERNAME in the exec env' };
const PASSWORD: Input = { label: 'password', present: has('password'), fix: 'set AAD_USER_PRINCIPAL_PASSWORD or AZURE_PASSWORD in the environment or the exec env' };
const SPN_CREDENTIAL: Input = {
  label: 'client secret or certificate',
  present: (o) => !!o.clientSecret || (!!o.clientCertificate && existsSync(o.clientCertificate)),
  fix: 'set AAD_SERVICE_PRINCIPAL_CLIENT_SECRET (or AZURE_CLIENT_SECRET) in the environment or the exec env, or pass --client-certificate with an existing file',
};
const FEDERATED_TOKEN: Input = {
  label: 'federated token file (or GitHub Actions OIDC)',
  present: (o, env) => !!githubOidc(env) || (!!o.federatedTokenFile && existsSync(o.federatedTokenFile)),
  fix: 'set AZURE_FEDERATED_TOKEN_FILE to the projected service account token (AKS workload identity webhook), or pass --federated-token-file',
};
const envInput = (name: string, fix: string): Input => ({ label: name, present: (_o, env) => !!env[name], fix });

const REQUIRED: Record<string, Input[]> = {
  devicecode: [SERVER_ID, CLIENT_ID, TENANT_ID],
  interactive: [SERVER_ID, CLIENT_ID, TENANT_ID],
  spn: [SERVER_ID, CLIENT_ID, TENANT_ID, SPN_CREDENTIAL],
  ropc: [SERVER_ID, CLIENT_ID, TENANT_ID, USERNAME, PASSWORD],
  msi: [SERVER_ID],
  azurecli: [SERVER_ID],
  azd: [SERVER_ID],
  workloadidentity: [SERVER_ID, CLIENT_ID, TENANT_ID, FEDERATED_TOKEN],
  azurepipelines: [
    SERVER_ID, CLIENT_ID, TENANT_ID,
    { label: 'service connection id', present: has('azurePipelinesServiceConnectionId'), fix: 'set AZURESUBSCRIPTION_SERVICE_CONNECTION_ID (the AzureCLI@2 task does), or pass --azure-pipelines-service-connection-id' },
    envInput('SYSTEM_ACCESSTOKEN', 'map SYSTEM_ACCESSTOKEN into the task env (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken))'),
    envInput('SYSTEM_OIDCREQUESTURI', 'run inside an Azure Pipelines task (it sets SYSTEM_OIDCREQUESTURI)'),
  ],
};

export function checkInputs(s: Subject): CheckResult {
  const o = s.options;
  if (!o) return fail('inputs', `the exec args and env are not valid get-token input: ${s.optionsError}`, 'fix the exec entry (kubelogin convert-kubeconfig rewrites it)');
  const mode = o.loginMethod + (o.legacy && (o.loginMethod === 'spn' || o.loginMethod === 'devicecode') ? ' --legacy' : '');
  const inputs = REQUIRED[o.loginMethod] ?? [SERVER_ID];
  const missing = inputs.filter((i) => !i.present(o, s.env));
  if (missing.length) {
    return fail('inputs', `login ${mode}: ${missing.map((i) => i.label).join(', ')} missing`, missing.map((i) => i.fix).join('; '));
  }
  return pass('inputs', `login ${mode}: ${inputs.map((i) => i.label).join(', ')} present`);
}
