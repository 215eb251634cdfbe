// The emulator's public API. Other test code is written against these names: extend, don't rename.

export type EndpointName =
  | 'discovery'
  | 'jwks'
  | 'token'
  | 'token_v1'
  | 'devicecode'
  | 'authorize'
  | 'imds'
  | 'appservice'
  | 'arc'
  | 'pipelines_oidc'
  | 'github_oidc'
  // Additions beyond the original brief: the device login page, logout, and anything unrouted (404).
  | 'devicelogin'
  | 'logout'
  | 'other';

export interface RequestRecord {
  time: number;
  method: string;
  /** Path without the query string. */
  path: string;
  endpoint: EndpointName;
  tenantId?: string;
  grantType?: string;
  clientId?: string;
  scope?: string;
  resource?: string;
  /** `token_type` of a token request (`pop` for proof-of-possession). */
  tokenType?: string;
  /** `req_cnf` of a PoP token request (base64url JSON naming the key's `kid`; not a secret). */
  reqCnf?: string;
  status: number;
  /** The OAuth `error` of the response, if any. */
  error?: string;
}

export interface FederatedCredential {
  issuer: string;
  subject: string;
  /** Default `api://AzureADTokenExchange`. */
  audience?: string;
}

export interface AppRegistration {
  clientId: string;
  /** Any tenant if omitted. */
  tenantId?: string;
  secret?: string;
  /** Public certificate PEM, for client_assertion. */
  certificatePem?: string;
  federated?: FederatedCredential[];
  /** Allows user flows without client authentication. Defaults to true when the app has no credential. */
  publicClient?: boolean;
  /** Group object ids and app roles put in the app's own (client credentials) tokens. */
  groups?: string[];
  roles?: string[];
  /** Send a groups overage marker instead of `groups` (see GroupsOverage). */
  groupsOverage?: GroupsOverage;
}

/**
 * How a token says "too many groups to list": `claim-sources` is Entra's JWT form (`_claim_names` +
 * `_claim_sources` naming a Graph endpoint, > 200 groups); `hasgroups` is the implicit-flow form (`hasgroups: true`).
 */
export type GroupsOverage = 'claim-sources' | 'hasgroups';

export interface UserRegistration {
  username: string;
  password: string;
  /** Any tenant if omitted. */
  tenantId?: string;
  oid?: string;
  name?: string;
  /** Group object ids and app roles put in this user's access tokens. */
  groups?: string[];
  roles?: string[];
  /** Send a groups overage marker instead of `groups`. */
  groupsOverage?: GroupsOverage;
}

export interface ManagedIdentityRegistration {
  clientId: string;
  resourceId?: string;
  objectId?: string;
  /** The identity answered when a request names none. */
  systemAssigned?: boolean;
}

export interface DeviceCodeSettings {
  /** Seconds, default 1. Fractions are allowed (MSAL multiplies by 1000). */
  interval: number;
  /** Seconds, default 900. */
  expiresIn: number;
  /** How many polls of each device code answer slow_down first. */
  slowDownTimes: number;
  /** Username: approve automatically after the first poll. */
  autoApproveAs?: string;
  denyAll?: boolean;
}

export interface Emulator {
  /** 'https://127.0.0.1:PORT' (no trailing slash). */
  url: string;
  /** url + '/': what the plugin gets as --authority-host. */
  authorityHost: string;
  /** '127.0.0.1:PORT': what MSAL needs in knownAuthorities. */
  host: string;
  caPem: string;
  caFile: string;
  /** 'http://127.0.0.1:PORT2': managed-identity server (IMDS, App Service, Azure Arc). */
  miUrl: string;
  /** The value App Service requests must carry in X-IDENTITY-HEADER (IDENTITY_HEADER). */
  appServiceSecret: string;
  /** The Azure Arc key file the 401 challenge points at (Basic realm=...). */
  arcKeyFile: string;
  /** Tenant id used when none can be taken from the request (managed identities, multi-tenant aliases). */
  defaultTenantId: string;
  jwks: { keys: object[] };
  tokenLifetimeSeconds: number;
  /** Mutable, default 90 days. */
  refreshTokenLifetimeSeconds: number;
  delayMs: number;
  strictRefreshRotation: boolean;
  /** Mutable, default 0: seconds added to the HTTP `Date` header of every answer (a server with a wrong clock). */
  clockSkewSeconds: number;
  addApp(app: AppRegistration): void;
  addUser(user: UserRegistration): void;
  addManagedIdentity(mi: ManagedIdentityRegistration): void;
  federatedIssuer: string;
  issueFederatedToken(claims: { subject: string; audience?: string; expiresInSeconds?: number }): Promise<string>;
  addPipelinesConnection(c: { serviceConnectionId: string; systemAccessToken: string; subject: string }): void;
  pipelinesOidcUrl: string;
  addGithubActions(c: { requestToken: string; subject: string }): void;
  githubOidcUrl: string;
  deviceCode: DeviceCodeSettings;
  approveDeviceCode(userCode: string, username: string): void;
  lastDeviceCode(): { userCode: string; deviceCode: string; clientId: string; scope: string } | undefined;
  interactiveUser?: string;
  /**
   * `body` may be built from the failed request (its form fields, query and headers), to echo what was
   * sent; a string is answered as an HTML page (an error page, a proxy's block page).
   */
  failNext(endpoint: EndpointName, count: number, status: number, body?: FaultBody): void;
  revokeRefreshTokens(filter?: { username?: string; clientId?: string }): void;
  requests: RequestRecord[];
  count(filter?: Partial<Pick<RequestRecord, 'endpoint' | 'grantType' | 'clientId' | 'tenantId' | 'tokenType'>>): number;
  reset(): void;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  tokenLifetimeSeconds?: number;
  /** Where the Azure Arc key file goes. MSAL only reads it from /var/opt/azcmagent/tokens/ (the default when writable). */
  arcTokenDir?: string;
}

/** What a fault body built from the request sees. */
export interface FaultRequest {
  form: URLSearchParams;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

export type FaultBody = object | string | ((request: FaultRequest) => object | string);
