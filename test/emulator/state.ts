// Everything the emulator knows: registrations, issued grants, settings and the request log.
import { X509Certificate, type KeyObject } from 'node:crypto';
import type {
  AppRegistration,
  DeviceCodeSettings,
  EndpointName,
  FaultBody,
  ManagedIdentityRegistration,
  RequestRecord,
  UserRegistration,
} from './types';
import { guidFrom } from './jwt';

export const DEFAULT_TENANT_ID = '72f988bf-0000-4000-a000-00000000e1d0';
const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

export const isTenantAlias = (tenant: string) => MULTI_TENANT_ALIASES.has(tenant.toLowerCase());

export interface App extends AppRegistration {
  objectId: string;
  cert?: { x5t: string; x5tS256: string; publicKey: KeyObject };
}

export interface User extends UserRegistration {
  oid: string;
  name: string;
}

export interface RefreshGrant {
  username: string;
  clientId: string;
  tenantId: string;
  issuedAt: number;
  lastUsed: number;
  revokedAt?: number;
  used: boolean;
}

export interface DeviceCodeEntry {
  deviceCode: string;
  userCode: string;
  clientId: string;
  tenant: string;
  scope: string;
  resource?: string;
  v1: boolean;
  expiresAt: number;
  polls: number;
  approvedBy?: string;
  declined?: boolean;
  redeemed?: boolean;
}

export interface AuthCodeEntry {
  clientId: string;
  tenant: string;
  username: string;
  scope: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  expiresAt: number;
  redeemed?: boolean;
}

export interface Fault {
  remaining: number;
  status: number;
  body?: FaultBody;
}

export interface PipelinesConnection {
  serviceConnectionId: string;
  systemAccessToken: string;
  subject: string;
}

export class State {
  apps = new Map<string, App>();
  users = new Map<string, User>();
  managedIdentities: ManagedIdentityRegistration[] = [];
  refreshTokens = new Map<string, RefreshGrant>();
  deviceCodes = new Map<string, DeviceCodeEntry>();
  lastDeviceCode?: DeviceCodeEntry;
  authCodes = new Map<string, AuthCodeEntry>();
  faults = new Map<EndpointName, Fault[]>();
  pipelines = new Map<string, PipelinesConnection>();
  githubTokens = new Map<string, string>();
  requests: RequestRecord[] = [];

  tokenLifetimeSeconds = 3600;
  refreshTokenLifetimeSeconds = 90 * 24 * 3600;
  delayMs = 0;
  strictRefreshRotation = false;
  clockSkewSeconds = 0;
  interactiveUser?: string;
  deviceCode: DeviceCodeSettings = { interval: 1, expiresIn: 900, slowDownTimes: 0 };

  addApp(reg: AppRegistration): void {
    const app: App = { ...reg, objectId: guidFrom(`app|${reg.clientId}`) };
    if (reg.certificatePem) {
      const x509 = new X509Certificate(reg.certificatePem);
      const hex = (fp: string) => Buffer.from(fp.replace(/:/g, ''), 'hex').toString('base64url');
      app.cert = { x5t: hex(x509.fingerprint), x5tS256: hex(x509.fingerprint256), publicKey: x509.publicKey };
    }
    this.apps.set(reg.clientId.toLowerCase(), app);
  }

  findApp(clientId: string): App | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  addUser(reg: UserRegistration): void {
    this.users.set(reg.username.toLowerCase(), {
      ...reg,
      oid: reg.oid ?? guidFrom(`user|${reg.username.toLowerCase()}`),
      name: reg.name ?? reg.username.split('@')[0],
    });
  }

  findUser(username: string): User | undefined {
    return this.users.get(username.toLowerCase());
  }

  /** The tenant a token is issued in: the user's or app's home tenant for multi-tenant aliases, else the path's. */
  tokenTenant(pathTenant: string, home?: string): string {
    if (!isTenantAlias(pathTenant)) return pathTenant;
    return home ?? DEFAULT_TENANT_ID;
  }

  takeFault(endpoint: EndpointName): Fault | undefined {
    const queue = this.faults.get(endpoint);
    const fault = queue?.[0];
    if (!fault) return undefined;
    if (--fault.remaining <= 0) queue.shift();
    return fault;
  }

  record(r: RequestRecord): void {
    this.requests.push(r);
  }
}
