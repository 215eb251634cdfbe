// --login azurepipelines: an Azure Pipelines service connection's federated identity
// (login/azurepipelines.ts).
import { ENV } from '../../cli/env';
import { flagOnly, required } from '../convert-args';
import { defineMode } from '../mode';
import { option } from '../requirements';

export const azurepipelines = defineMode({
  name: 'azurepipelines',
  kind: 'app',
  requires: [
    {
      problem: `${ENV.systemAccessToken} environment variable not set`,
      missing: (_, env) => !env[ENV.systemAccessToken],
      remedy: () => 'map it in the pipeline step: env: { SYSTEM_ACCESSTOKEN: $(System.AccessToken) }',
    },
    {
      problem: `no value for environment variable ${ENV.systemOidcRequestUri}`,
      missing: (_, env) => !env[ENV.systemOidcRequestUri],
      remedy: () => 'run kubelogin inside an Azure Pipelines job (Azure Pipelines sets it)',
    },
    option('client-id', 'client ID', '(the AzureCLI@2 task sets it)'),
    option('tenant-id', 'tenant ID'),
    option('azure-pipelines-service-connection-id', 'service connection ID'),
  ],
  identity: (o) => ({ extra: `sc:${o.azurePipelinesServiceConnectionId}` }),
  // --client-id is never written (Azure/kubelogin): the pipeline's AZURESUBSCRIPTION_CLIENT_ID supplies it.
  convertArgs: (v, f) => ['--tenant-id', required(v.tenantId, '--tenant-id', 'pass --tenant-id'), ...flagOnly(f, 'azure-pipelines-service-connection-id')],
  mayPrompt: false,
});
