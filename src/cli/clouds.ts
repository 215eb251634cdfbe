// The Entra ID clouds --environment can name, with Azure/kubelogin's spellings (matched
// case-insensitively). Upstream silently falls back to the public cloud for anything else, which sends
// a sovereign-cloud user's sign-in to the wrong cloud; here an unknown name is an error.
import { UsageError } from '../errors';

const PUBLIC = 'https://login.microsoftonline.com/';
const US_GOVERNMENT = 'https://login.microsoftonline.us/';
const CHINA = 'https://login.chinacloudapi.cn/';

const CLOUDS: Record<string, string> = {
  AZUREPUBLICCLOUD: PUBLIC,
  AZURECLOUD: PUBLIC,
  AZUREPUBLIC: PUBLIC,
  AZUREUSGOVERNMENT: US_GOVERNMENT,
  AZUREUSGOVERNMENTCLOUD: US_GOVERNMENT,
  AZURECHINACLOUD: CHINA,
};

/** The authority host (with trailing slash) of a cloud name; an empty name is the public cloud. */
export function cloudAuthorityHost(environment: string): string {
  if (!environment) return PUBLIC;
  const host = CLOUDS[environment.toUpperCase()];
  if (!host) {
    throw new UsageError(
      `unknown --environment "${environment}": use AzurePublicCloud, AzureUSGovernment or AzureChinaCloud ` +
        '(also accepted: AzureCloud, AzurePublic, AzureUSGovernmentCloud; any letter case), or pass --authority-host',
    );
  }
  return host;
}
