// A Microsoft Entra ID emulator for tests: HTTPS on 127.0.0.1 (OAuth2/OIDC, device code, authorize, federated
// issuers) plus a plain-HTTP managed-identity server. See README.md.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { makeServerCert, makeTestCA } from '../helpers/certs';
import { makeTempDir } from '../helpers/tmp';
import type { Core } from './core';
import { approveDeviceCode } from './devicecode';
import { createSigner, nowSeconds } from './jwt';
import { issueFederatedToken } from './oidc-issuers';
import { createListener, entraRoutes, managedIdentityRoutes } from './server';
import { DEFAULT_TENANT_ID, State } from './state';
import type { Emulator, EmulatorOptions, RequestRecord } from './types';

export * from './types';
export { DEFAULT_TENANT_ID } from './state';

const MSAL_ARC_TOKEN_DIR = '/var/opt/azcmagent/tokens';

// Arc key files may sit in a system folder, so they go even when a test forgets close().
const arcKeyFiles = new Set<string>();
process.once('exit', () => arcKeyFiles.forEach((f) => fs.rmSync(f, { force: true })));

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function arcTokenDir(preferred?: string): string {
  const dir = preferred ?? MSAL_ARC_TOKEN_DIR;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    return makeTempDir('kubelogin-arc-');
  }
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const [ca, cert, signer, federated] = await Promise.all([makeTestCA(), makeServerCert(), createSigner(), createSigner()]);
  const state = new State();
  if (opts.tokenLifetimeSeconds !== undefined) state.tokenLifetimeSeconds = opts.tokenLifetimeSeconds;

  const entra = https.createServer({ cert: cert.certPem, key: cert.keyPem });
  const port = await listen(entra);
  const url = `https://127.0.0.1:${port}`;
  const core: Core = { state, url, signer, federated, federatedIssuer: `${url}/federated` };
  entra.on('request', createListener(core, entraRoutes(core)));

  const appServiceSecret = randomBytes(16).toString('hex');
  const arcKeyFile = path.join(arcTokenDir(opts.arcTokenDir), `kubelogin-emulator-${randomBytes(6).toString('hex')}.key`);
  fs.writeFileSync(arcKeyFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  arcKeyFiles.add(arcKeyFile);
  const mi = http.createServer();
  const miUrl = `http://127.0.0.1:${await listen(mi)}`;
  mi.on('request', createListener({ ...core, url: miUrl }, managedIdentityRoutes(core, appServiceSecret, arcKeyFile)));

  const matches = (r: RequestRecord, filter: Partial<RequestRecord>) =>
    Object.entries(filter).every(([k, v]) => v === undefined || r[k as keyof RequestRecord] === v);

  return {
    url,
    authorityHost: `${url}/`,
    host: `127.0.0.1:${port}`,
    caPem: ca.caPem,
    caFile: ca.caFile,
    miUrl,
    appServiceSecret,
    arcKeyFile,
    defaultTenantId: DEFAULT_TENANT_ID,
    jwks: { keys: [signer.publicJwk] },
    get tokenLifetimeSeconds() { return state.tokenLifetimeSeconds; },
    set tokenLifetimeSeconds(v) { state.tokenLifetimeSeconds = v; },
    get refreshTokenLifetimeSeconds() { return state.refreshTokenLifetimeSeconds; },
    set refreshTokenLifetimeSeconds(v) { state.refreshTokenLifetimeSeconds = v; },
    get delayMs() { return state.delayMs; },
    set delayMs(v) { state.delayMs = v; },
    get strictRefreshRotation() { return state.strictRefreshRotation; },
    set strictRefreshRotation(v) { state.strictRefreshRotation = v; },
    get clockSkewSeconds() { return state.clockSkewSeconds; },
    set clockSkewSeconds(v) { state.clockSkewSeconds = v; },
    get interactiveUser() { return state.interactiveUser; },
    set interactiveUser(v) { state.interactiveUser = v; },
    get deviceCode() { return state.deviceCode; },
    set deviceCode(v) { state.deviceCode = v; },
    get requests() { return state.requests; },
    addApp: (app) => state.addApp(app),
    addUser: (user) => state.addUser(user),
    addManagedIdentity: (identity) => void state.managedIdentities.push(identity),
    federatedIssuer: core.federatedIssuer,
    issueFederatedToken: (claims) => issueFederatedToken(core, claims),
    addPipelinesConnection: (c) => void state.pipelines.set(c.serviceConnectionId, c),
    pipelinesOidcUrl: `${url}/pipelines/oidctoken`,
    addGithubActions: (c) => void state.githubTokens.set(c.requestToken, c.subject),
    githubOidcUrl: `${url}/github/idtoken?api-version=2.0`,
    approveDeviceCode: (userCode, username) => approveDeviceCode(core, userCode, username),
    lastDeviceCode: () => {
      const e = state.lastDeviceCode;
      return e && { userCode: e.userCode, deviceCode: e.deviceCode, clientId: e.clientId, scope: e.scope || e.resource || '' };
    },
    failNext: (endpoint, count, status, body) => {
      if (count <= 0) return;
      const queue = state.faults.get(endpoint) ?? [];
      queue.push({ remaining: count, status, body });
      state.faults.set(endpoint, queue);
    },
    revokeRefreshTokens: (filter = {}) => {
      const now = nowSeconds();
      for (const grant of state.refreshTokens.values()) {
        if (filter.username && grant.username.toLowerCase() !== filter.username.toLowerCase()) continue;
        if (filter.clientId && grant.clientId.toLowerCase() !== filter.clientId.toLowerCase()) continue;
        grant.revokedAt ??= now;
      }
    },
    count: (filter = {}) => state.requests.filter((r) => matches(r, filter)).length,
    reset: () => void (state.requests.length = 0),
    close: async () => {
      await Promise.all([closeServer(entra), closeServer(mi)]);
      fs.rmSync(arcKeyFile, { force: true });
      arcKeyFiles.delete(arcKeyFile);
    },
  };
}
