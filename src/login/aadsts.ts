// Entra ID error codes users meet most, each with what to do about it.

const REMEDIES: Record<number, string> = {
  7000215: 'the client secret is wrong or expired: create a new secret for the app registration and pass it with --client-secret or AAD_SERVICE_PRINCIPAL_CLIENT_SECRET',
  7000222: 'the client secret has expired: create a new secret for the app registration',
  700016: 'no application with this client id exists in the tenant: check --client-id and --tenant-id',
  90002: 'the tenant was not found: check --tenant-id and --environment',
  900023: 'the tenant id is not valid: check --tenant-id',
  50126: 'the username or password is wrong: check --username and --password (AAD_USER_PRINCIPAL_NAME, AAD_USER_PRINCIPAL_PASSWORD)',
  50034: 'the user does not exist in this tenant: check --username and --tenant-id',
  50076: 'the account requires multi-factor authentication: use --login devicecode or interactive',
  50079: 'the account requires multi-factor authentication: use --login devicecode or interactive',
  50053: 'the account is locked: wait, or ask an administrator to unlock it',
  50057: 'the account is disabled: ask an administrator to enable it',
  65001: 'the application has not been granted consent: have an administrator grant consent for the AKS server application',
  700082: 'the refresh token expired: sign in again (kubelogin remove-tokens, then retry)',
  50173: 'the refresh token was revoked: sign in again (kubelogin remove-tokens, then retry)',
  70043: 'the refresh token expired due to Conditional Access: sign in again',
  700024: 'the federated token is expired or not yet valid: make sure the token file is refreshed (AZURE_FEDERATED_TOKEN_FILE)',
  70021: 'no federated identity credential matches the token: check the issuer, subject and audience configured on the app registration',
  700027: 'the client assertion is invalid: check that the certificate uploaded to the app registration matches --client-certificate',
  700211: 'no federated identity credential matches the token issuer: check the issuer configured on the app registration',
  700213: 'no federated identity credential matches the token subject: check the subject configured on the app registration',
  500011: 'the resource (server id) was not found in the tenant: check --server-id',
  500113: 'no reply address is registered for the application: check --redirect-url',
  50011: 'the redirect URI does not match the app registration: check --redirect-url',
  70000: 'the grant is invalid or malformed: sign in again',
  70016: 'the device code has not been approved yet',
  7000218: 'the app is not allowed to use public client flows: enable "Allow public client flows" or use --login spn',
  53003: 'access was blocked by Conditional Access policies: ask your administrator',
};

export function aadstsCodes(text: string): number[] {
  return [...text.matchAll(/AADSTS(\d+)/g)].map((m) => Number(m[1]));
}

export function remedyFor(codes: number[]): string | undefined {
  for (const code of codes) if (REMEDIES[code]) return REMEDIES[code];
  return undefined;
}

export interface OAuthErrorFields {
  error?: string;
  description?: string;
  codes?: number[];
  status?: number;
}

/** One line: `<what>: <error>: <first line of the description> (<remedy>)`. */
export function entraErrorMessage(what: string, e: OAuthErrorFields): string {
  const description = (e.description ?? '').split(/\r?\n|Trace ID:/)[0].trim();
  const codes = e.codes?.length ? e.codes : aadstsCodes(e.description ?? '');
  const remedy = remedyFor(codes);
  const head = [e.error, description].filter(Boolean).join(': ') || `HTTP ${e.status ?? 'error'}`;
  return `${what}: ${head}${remedy ? ` (${remedy})` : ''}`;
}

/** Reads an OAuth 2.0 error response body (Entra's JSON shape); anything else yields only the status. */
export function parseOAuthError(status: number, body: string): OAuthErrorFields {
  try {
    const json = JSON.parse(body) as { error?: unknown; error_description?: unknown; error_codes?: unknown };
    return {
      status,
      error: typeof json.error === 'string' ? json.error : undefined,
      description: typeof json.error_description === 'string' ? json.error_description : undefined,
      codes: Array.isArray(json.error_codes) ? json.error_codes.filter((c): c is number => typeof c === 'number') : undefined,
    };
  } catch {
    return { status };
  }
}
