// Environment variables that point a spawned plugin (and the MSAL inside it) at the emulator, per login mode.
import type { Emulator } from '../emulator';
import { fakeBrowserSh } from './paths';

/** Trust the emulator's CA (Node reads this at start-up; fetch honours it too). */
export const emulatorEnv = (emu: Emulator) => ({ NODE_EXTRA_CA_CERTS: emu.caFile });

/** --login msi on a VM/AKS node: MSAL's IMDS source, redirected. */
export const imdsEnv = (emu: Emulator) => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: emu.miUrl });

/** --login msi on App Service / Functions / Container Apps. */
export const appServiceEnv = (emu: Emulator) => ({ IDENTITY_ENDPOINT: `${emu.miUrl}/msi/token`, IDENTITY_HEADER: emu.appServiceSecret });

/** --login msi on an Azure Arc machine (MSAL reads the key file only under /var/opt/azcmagent/tokens/). */
export const arcEnv = (emu: Emulator) => ({ IDENTITY_ENDPOINT: `${emu.miUrl}/arc/token`, IMDS_ENDPOINT: emu.miUrl });

/** --login workloadidentity (AKS workload identity webhook variables). */
export const workloadIdentityEnv = (emu: Emulator, w: { clientId: string; tenantId: string; tokenFile: string }) => ({
  AZURE_CLIENT_ID: w.clientId,
  AZURE_TENANT_ID: w.tenantId,
  AZURE_FEDERATED_TOKEN_FILE: w.tokenFile,
  AZURE_AUTHORITY_HOST: emu.authorityHost,
});

/** --login workloadidentity on GitHub Actions (both variables must be set). */
export const githubActionsEnv = (emu: Emulator, requestToken: string) => ({
  ACTIONS_ID_TOKEN_REQUEST_URL: emu.githubOidcUrl,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
});

/** --login azurepipelines (AzureCLI@2 task variables). */
interface PipelineSettings {
  serviceConnectionId: string;
  systemAccessToken: string;
  clientId?: string;
  tenantId?: string;
}

export const pipelinesEnv = (emu: Emulator, p: PipelineSettings) => ({
  SYSTEM_OIDCREQUESTURI: emu.pipelinesOidcUrl,
  SYSTEM_ACCESSTOKEN: p.systemAccessToken,
  AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: p.serviceConnectionId,
  ...(p.clientId ? { AZURESUBSCRIPTION_CLIENT_ID: p.clientId } : {}),
  ...(p.tenantId ? { AZURESUBSCRIPTION_TENANT_ID: p.tenantId } : {}),
});

/** --login interactive: $BROWSER signs in headlessly; each URL is appended to logFile if given. */
export const browserEnv = (logFile?: string) => ({ BROWSER: fakeBrowserSh, ...(logFile ? { FAKE_BROWSER_LOG: logFile } : {}) });
