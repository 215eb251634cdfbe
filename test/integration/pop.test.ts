// get-token --pop-enabled against the emulator for spn (secret, certificate), ropc and interactive: the
// token request carries token_type=pop and req_cnf, the printed token is a PoP token whose key is the one
// the access token is bound to; claim errors; and real kubectl against the fake API server with a PoP token.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT,
  type JWK, type JWTPayload,
} from 'jose';
import { startEmulator, type Emulator, type RequestRecord } from '../emulator';
import { startApiServer, type ApiServer } from '../fake-apiserver';
import { execCredentialOf, oneErrorLine } from '../helpers/assert';
import { makeClientCertificate, type ClientCertificate } from '../helpers/certs';
import { bundleRecorder } from '../helpers/bundle-recorder';
import { emulatorEnv } from '../helpers/env';
import { execUser, writeKubeconfig } from '../helpers/kubeconfig';
import { postForm, request } from '../helpers/http';
import { fakeBrowserSh } from '../helpers/paths';
import { runKubectl, runKubelogin, type EnvPatch, type RunResult } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6256c85f-0aad-4d50-b960-e6e9b21efe35';
const TENANT = '5a0c3d2e-7b1f-4c6a-9e8d-0f1e2d3c4b5a';
const SECRET_APP = '5a0c3d2e-aaaa-4bbb-8ccc-000000000001';
const CERT_APP = '5a0c3d2e-aaaa-4bbb-8ccc-000000000002';
const PUBLIC_APP = '3f4439ff-e698-4d6d-84fe-09c9d574f06b';
const SECRET = 'Pop~spn.secret-value_0123456789';
const USER = 'paula@example.com';
const PASSWORD = 'P0p-pa55word!';
const ARM_ID = `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc-1`;
const EXEC_INFO = (interactive: boolean) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', spec: { interactive } });

let emu: Emulator;
let cert: ClientCertificate;
let dir: string;
let browserLog: string;

before(async () => {
  dir = makeTempDir('kubelogin-pop-');
  [emu, cert] = await Promise.all([startEmulator(), makeClientCertificate({ dir, name: 'pop' })]);
  emu.addApp({ clientId: SECRET_APP, tenantId: TENANT, secret: SECRET });
  emu.addApp({ clientId: CERT_APP, tenantId: TENANT, certificatePem: cert.certPem });
  emu.addApp({ clientId: PUBLIC_APP, publicClient: true });
  emu.addUser({ username: USER, password: PASSWORD });
  emu.interactiveUser = USER;
});
after(() => emu.close());
beforeEach(() => {
  emu.reset();
  browserLog = path.join(makeTempDir(), 'urls');
});

const MODES: Record<string, string[]> = {
  'spn (secret)': ['--login', 'spn', '--client-id', SECRET_APP, '--tenant-id', TENANT, '--client-secret', SECRET],
  'spn (certificate)': ['--login', 'spn', '--client-id', CERT_APP, '--tenant-id', TENANT],
  ropc: ['--login', 'ropc', '--client-id', PUBLIC_APP, '--tenant-id', TENANT, '--username', USER, '--password', PASSWORD],
  interactive: ['--login', 'interactive', '--client-id', PUBLIC_APP, '--tenant-id', TENANT],
};

function getToken(mode: string, opts: { cacheDir?: string; claims?: string[]; extra?: string[]; env?: EnvPatch } = {}): Promise<RunResult> {
  const args = ['get-token', ...MODES[mode], '--server-id', SERVER_ID, '--authority-host', emu.authorityHost,
    '--cache-dir', opts.cacheDir ?? makeTempDir('kubelogin-pop-cache-'), ...(opts.claims ?? ['--pop-enabled', '--pop-claims', `u=${ARM_ID}`]), ...(opts.extra ?? [])];
  const env: EnvPatch = {
    ...emulatorEnv(emu), KUBERNETES_EXEC_INFO: EXEC_INFO(true), BROWSER: fakeBrowserSh, FAKE_BROWSER_LOG: browserLog,
    ...(mode === 'spn (certificate)' ? { AZURE_CLIENT_CERTIFICATE_PATH: cert.pemFile } : {}), ...opts.env,
  };
  return runKubelogin(args, { env, timeoutMs: 20_000 });
}

const b64json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
const opened = () => (fs.existsSync(browserLog) ? fs.readFileSync(browserLog, 'utf8').trim().split('\n').length : 0);

interface CheckedPop {
  kid: string;
  at: JWTPayload;
}

/**
 * The printed token is a PoP token: signed by its embedded key, whose thumbprint is the header kid, the
 * req_cnf kid the token endpoint saw, and the inner access token's cnf.kid; the inner token is the emulator's.
 */
async function checkPopToken(status: { token: string; expirationTimestamp: string }, request: RequestRecord): Promise<CheckedPop> {
  const header = decodeProtectedHeader(status.token);
  assert.deepEqual(Object.keys(header), ['typ', 'alg', 'kid']);
  assert.deepEqual([header.typ, header.alg], ['pop', 'RS256']);
  const jwk = b64json(status.token.split('.')[1]).cnf.jwk as JWK;
  const { payload } = await jwtVerify(status.token, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'], typ: 'pop' });
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  assert.equal(header.kid, kid);
  assert.equal(payload.u, ARM_ID);
  assert.ok(Math.abs(Number(payload.ts) - Date.now() / 1000) < 30, 'ts is now');
  assert.match(String(payload.nonce), /^[0-9a-f]{32}$/);
  assert.equal(request.tokenType, 'pop');
  assert.deepEqual(b64json(request.reqCnf!), { kid, xms_ksl: 'sw' });
  const { payload: at } = await jwtVerify(String(payload.at), createLocalJWKSet(emu.jwks), { audience: SERVER_ID });
  assert.deepEqual(at.cnf, { kid });
  assert.ok(Math.abs(Date.parse(status.expirationTimestamp) / 1000 - at.exp!) <= 2, 'expiry is the access token\'s');
  return { kid, at };
}

const tokenRequests = () => emu.requests.filter((q) => q.endpoint === 'token');
/** Rewrites a plain entry's key so that it still parses but signs to an empty signature. */
function emptyModulus(file: string): void {
  const envelope = JSON.parse(fs.readFileSync(file, 'utf8'));
  const entry = JSON.parse(envelope.data);
  fs.writeFileSync(file, JSON.stringify({ ...envelope, data: JSON.stringify({ ...entry, key: { ...entry.key, n: 'AAAA', d: 'AAAA' } }) }), { mode: 0o600 });
}

describe('get-token --pop-enabled', () => {
  const grants: Record<string, string> = { 'spn (secret)': 'client_credentials', 'spn (certificate)': 'client_credentials', ropc: 'password', interactive: 'authorization_code' };
  for (const [mode, grant] of Object.entries(grants)) {
    test(`${mode}: prints a PoP token around an access token bound to its key`, async () => {
      const { status } = execCredentialOf(await getToken(mode));
      const requests = tokenRequests();
      assert.deepEqual(requests.map((q) => [q.grantType, q.status]), [[grant, 200]]);
      const { at } = await checkPopToken(status, requests[0]);
      assert.equal(at.tid, TENANT);
      if (mode === 'spn (certificate)') assert.equal(at.azpacr, '2', 'authenticated by the certificate');
      if (mode === 'ropc' || mode === 'interactive') assert.equal(at.upn, USER);
      assert.equal(opened(), mode === 'interactive' ? 1 : 0);
    });
  }

  const popFiles = (cacheDir: string) => (fs.existsSync(path.join(cacheDir, 'pop')) ? fs.readdirSync(path.join(cacheDir, 'pop')).map((f) => path.join(cacheDir, 'pop', f)) : []);

  test('the next run signs a new PoP token with the cached key: no token request, sealed 0600 entry, no bearer token file', async () => {
    const cacheDir = makeTempDir();
    // The session's Secret Service (npm test runs one), so the entry is sealed and the hit opens it.
    const keyring = { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    const first = await checkPopToken(execCredentialOf(await getToken('spn (secret)', { cacheDir, env: keyring })).status, tokenRequests()[0]);
    const [file] = popFiles(cacheDir);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const text = fs.readFileSync(file, 'utf8');
    // Encrypted with the keyring's key where there is one (npm test runs a Secret Service), as MSAL's cache.
    if (process.env.DBUS_SESSION_BUS_ADDRESS) {
      assert.equal(JSON.parse(text).alg, 'A256GCM');
      assert.doesNotMatch(text, /"d"|PRIVATE KEY|eyJ/);
    } else assert.equal(JSON.parse(text).alg, 'none');
    assert.deepEqual(fs.existsSync(path.join(cacheDir, 'tokens')) ? fs.readdirSync(path.join(cacheDir, 'tokens')) : [], [], 'no bearer token file');
    emu.reset();
    const r = await getToken('spn (secret)', { cacheDir, extra: ['-v', '5'], env: keyring });
    const { status } = execCredentialOf(r);
    assert.equal(tokenRequests().length, 0, 'served without a token request');
    assert.match(r.stderr, /PoP token signed with the cached key/);
    const header = decodeProtectedHeader(status.token);
    assert.equal(header.kid, first.kid, 'the same key');
    const payload = b64json(status.token.split('.')[1]);
    const jwk = payload.cnf.jwk as JWK;
    await jwtVerify(status.token, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'], typ: 'pop' });
    const firstPayload = b64json(execCredentialOf(await getToken('spn (secret)', { cacheDir, env: keyring })).status.token.split('.')[1]);
    assert.notEqual(payload.nonce, firstPayload.nonce, 'a fresh nonce every time');
    assert.equal(payload.u, ARM_ID);
  });

  describe('an invocation the hit index knows (the secret in the environment, as kubeconfigs run it in CI)', () => {
    const run = (cacheDir: string, env: EnvPatch = {}) => runKubelogin(['get-token', '--login', 'spn', '--client-id', SECRET_APP, '--tenant-id', TENANT,
      '--server-id', SERVER_ID, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, '--pop-enabled', '--pop-claims', `u=${ARM_ID}`],
    { env: { ...emulatorEnv(emu), HOME: cacheDir, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, ...env } });
    /** A miss, then a light hit, which indexes the invocation: the cache folder, the first PoP token's check, the entry. */
    async function indexedPop(env: EnvPatch = {}) {
      const cacheDir = makeTempDir();
      const first = await checkPopToken(execCredentialOf(await run(cacheDir, env)).status, tokenRequests()[0]);
      const light = execCredentialOf(await run(cacheDir, env)).status;
      assert.ok(fs.existsSync(path.join(cacheDir, 'hits', 'index.json')), 'the light hit indexed the invocation');
      return { cacheDir, first, light, file: popFiles(cacheDir)[0] };
    }
    /** The run after indexedPop, whose bundles are recorded: a valid PoP token from the same key and access token. */
    async function thirdRun(env: EnvPatch) {
      const { cacheDir, first, light, file } = await indexedPop(env);
      const recorder = bundleRecorder();
      const r = await run(cacheDir, { ...env, ...recorder.env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      const { status } = execCredentialOf(r);
      // Valid for the same request's key and access token: signed now, with a nonce of its own.
      assert.equal((await checkPopToken(status, tokenRequests()[0])).kid, first.kid);
      assert.notEqual(b64json(status.token.split('.')[1]).nonce, b64json(light.token.split('.')[1]).nonce);
      assert.equal(tokenRequests().length, 1, 'one token request in all');
      return { bundles: recorder.bundles(), file };
    }

    test('a plain entry (no keyring) is signed by bin/kubelogin\'s fast hit alone', async () => {
      const { bundles, file } = await thirdRun({});
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).alg, 'none');
      assert.deepEqual(bundles, ['kubelogin.cjs']);
    });

    test('an indexed entry within 5 minutes of expiry is renewed: one request, a new key', async () => {
      const { cacheDir, first, file } = await indexedPop();
      const envelope = JSON.parse(fs.readFileSync(file, 'utf8'));
      const data = JSON.stringify({ ...JSON.parse(envelope.data), expiresOn: Date.now() + 60_000 });
      fs.writeFileSync(file, JSON.stringify({ ...envelope, data }), { mode: 0o600 });
      emu.reset();
      const r = await run(cacheDir);
      assert.equal(tokenRequests().length, 1);
      const renewed = await checkPopToken(execCredentialOf(r).status, tokenRequests()[0]);
      assert.notEqual(renewed.kid, first.kid);
    });

    const harms: Array<[string, (file: string) => void, RegExp]> = [
      ['torn in half', (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)), /damaged or of an unknown version/],
      ['whole, with a key whose modulus is empty', emptyModulus, /holds a key that does not sign/],
    ];
    for (const [name, harm, warning] of harms) {
      test(`an indexed entry ${name} is a miss with one warning and a new key, never a failed run or an unsigned token`, async () => {
        const { cacheDir, first, file } = await indexedPop();
        harm(file);
        emu.reset();
        const r = await run(cacheDir);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, new RegExp(`^warning: .*${warning.source}`));
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.notEqual((await checkPopToken(execCredentialOf(r).status, tokenRequests()[0])).kid, first.kid);
      });
    }

    test('a sealed entry (a keyring) is left by the fast hit to dist/pop.cjs, which opens it with the keyring\'s key', { skip: !process.env.DBUS_SESSION_BUS_ADDRESS && 'no Secret Service session (npm test runs one)' }, async () => {
      const { bundles, file } = await thirdRun({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS });
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).alg, 'A256GCM');
      assert.deepEqual(bundles, ['kubelogin.cjs', 'pop.cjs', 'start.cjs']);
    });
  });

  test('--force-refresh skips the cached PoP token: a new request and a new key', async () => {
    const cacheDir = makeTempDir();
    const first = await checkPopToken(execCredentialOf(await getToken('spn (secret)', { cacheDir })).status, tokenRequests()[0]);
    emu.reset();
    const r = await getToken('spn (secret)', { cacheDir, extra: ['--force-refresh'] });
    assert.equal(tokenRequests().length, 1);
    const second = await checkPopToken(execCredentialOf(r).status, tokenRequests()[0]);
    assert.notEqual(second.kid, first.kid);
  });

  test('remove-tokens with the identity flags removes its PoP key', async () => {
    const cacheDir = makeTempDir();
    execCredentialOf(await getToken('spn (secret)', { cacheDir }));
    assert.equal(popFiles(cacheDir).length, 1);
    const r = await runKubelogin(['remove-tokens', ...MODES['spn (secret)'], '--server-id', SERVER_ID, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir, '--pop-enabled', '--pop-claims', `u=${ARM_ID}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(popFiles(cacheDir), []);
  });

  test('20 calls (parallel, cold): one token request, one key, every PoP token verifies', async () => {
    const cacheDir = makeTempDir();
    const runs = await Promise.all(Array.from({ length: 20 }, () => getToken('spn (secret)', { cacheDir })));
    assert.equal(tokenRequests().length, 1);
    const kids = new Set<string>();
    for (const r of runs) {
      const token = execCredentialOf(r).status.token;
      kids.add(String(decodeProtectedHeader(token).kid));
      await jwtVerify(token, await importJWK(b64json(token.split('.')[1]).cnf.jwk as JWK, 'RS256'), { typ: 'pop' });
    }
    assert.equal(kids.size, 1);
  });

  test('the key rotates when the token is renewed (a token within 5 minutes of expiry is renewed)', async () => {
    const cacheDir = makeTempDir();
    const lifetime = emu.tokenLifetimeSeconds;
    emu.tokenLifetimeSeconds = 240;
    try {
      const first = await checkPopToken(execCredentialOf(await getToken('spn (secret)', { cacheDir })).status, tokenRequests()[0]);
      emu.reset();
      const r = await getToken('spn (secret)', { cacheDir });
      assert.equal(tokenRequests().length, 1, 'renewed');
      const second = await checkPopToken(execCredentialOf(r).status, tokenRequests()[0]);
      assert.notEqual(second.kid, first.kid, 'with a new key');
    } finally {
      emu.tokenLifetimeSeconds = lifetime;
    }
  });

  const damage: Array<[string, (file: string, cacheDir: string) => void | Promise<void>, RegExp]> = [
    ['a whole entry whose key has an empty modulus (OpenSSL signs it to nothing)', emptyModulus, /holds a key that does not sign/],
    ['torn (cut in half)', (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)), /damaged or of an unknown version/],
    ['empty', (file) => fs.writeFileSync(file, ''), /damaged or of an unknown version/],
    ['another identity\'s entry (copied over)', async (file) => {
      const other = makeTempDir();
      execCredentialOf(await getToken('spn (secret)', { cacheDir: other, claims: ['--pop-enabled', '--pop-claims', `u=${ARM_ID}-elsewhere`] }));
      fs.copyFileSync(popFiles(other)[0], file);
    }, /cannot be decrypted|belongs to another identity/],
    ['owned by another user', (file) => fs.chownSync(file, 4242, 4242), /owned by another user/],
    ['a valid envelope around something that is not a key', (file) => {
      fs.writeFileSync(file, JSON.stringify({ v: 1, alg: 'none', data: JSON.stringify({ v: 1, id: path.basename(file, '.json'), token: 'x', expiresOn: Date.now() + 3600_000, key: { kty: 'RSA', n: 'x' } }) }), { mode: 0o600 });
    }, /does not hold an RSA key and a token/],
  ];
  for (const [name, harm, warning] of damage) {
    test(`a PoP key file that is ${name}: a miss with one warning, a new key, exit 0`, async () => {
      const cacheDir = makeTempDir();
      const first = await checkPopToken(execCredentialOf(await getToken('spn (secret)', { cacheDir })).status, tokenRequests()[0]);
      const [file] = popFiles(cacheDir);
      await harm(file, cacheDir);
      emu.reset();
      const r = await getToken('spn (secret)', { cacheDir });
      const { status } = execCredentialOf(r);
      assert.equal(tokenRequests().length, 1);
      const second = await checkPopToken(status, tokenRequests()[0]);
      assert.notEqual(second.kid, first.kid);
      assert.match(r.stderr, warning);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }

  test('interactive: the next run is served from the cached key, without a refresh or a browser', async () => {
    const cacheDir = makeTempDir();
    const first = await checkPopToken(execCredentialOf(await getToken('interactive', { cacheDir })).status, tokenRequests()[0]);
    emu.reset();
    const r = await getToken('interactive', { cacheDir, env: { KUBERNETES_EXEC_INFO: EXEC_INFO(false) } });
    assert.equal(tokenRequests().length, 0);
    assert.equal(decodeProtectedHeader(execCredentialOf(r).status.token).kid, first.kid);
    assert.equal(opened(), 1, 'the browser opened for the first run only');
  });

  test('interactive: a renewal refreshes with PoP for a new key, without a browser', async () => {
    const cacheDir = makeTempDir();
    const lifetime = emu.tokenLifetimeSeconds;
    emu.tokenLifetimeSeconds = 240;
    try {
      const first = await checkPopToken(execCredentialOf(await getToken('interactive', { cacheDir })).status, tokenRequests()[0]);
      emu.reset();
      const r = await getToken('interactive', { cacheDir, env: { KUBERNETES_EXEC_INFO: EXEC_INFO(false) } });
      const requests = tokenRequests();
      assert.deepEqual(requests.map((q) => q.grantType), ['refresh_token']);
      const second = await checkPopToken(execCredentialOf(r).status, requests[0]);
      assert.notEqual(first.kid, second.kid);
      assert.equal(opened(), 1, 'the browser opened for the first run only');
    } finally {
      emu.tokenLifetimeSeconds = lifetime;
    }
  });

  for (const mode of Object.keys(MODES)) {
    test(`${mode}: nothing secret reaches stderr at -v 10`, async () => {
      const r = await getToken(mode, { extra: ['-v', '10'] });
      const { status } = execCredentialOf(r);
      const at = String(b64json(status.token.split('.')[1]).at);
      for (const secret of [SECRET, PASSWORD, status.token, at, at.split('.')[2], status.token.split('.')[2]]) {
        assert.ok(!r.stderr.includes(secret), `a secret on stderr: ${secret.slice(0, 8)}...`);
      }
      assert.match(r.stderr, /pop: new RSA-2048 key/);
    });
  }

  test('spn: Entra errors keep their one-line form (wrong secret → AADSTS7000215 and what to do)', async () => {
    const r = await getToken('spn (secret)', { extra: ['--client-secret', 'Wr0ng~pop-secret-value'] });
    const line = oneErrorLine(r);
    assert.match(line, /^Error: failed to get token: invalid_client: AADSTS7000215: .*\(the client secret is wrong or expired: /);
    assert.ok(!r.stderr.includes('Wr0ng~pop-secret-value'));
    assert.equal(tokenRequests()[0].tokenType, 'pop');
  });

  test('an access token that is not bound to the key (a bearer answer) is refused with what to check', async () => {
    const bearer = ['{"alg":"none"}', '{"aud":"x"}'].map((p) => Buffer.from(p).toString('base64url')).join('.') + '.sig';
    emu.failNext('token', 1, 200, { token_type: 'Bearer', access_token: bearer, expires_in: 3600 });
    const r = await getToken('spn (secret)');
    assert.match(oneErrorLine(r), /^Error: failed to get token: the identity provider returned an access token that is not bound to the PoP key .*check that --authority-host/);
  });

  test('spn --legacy ignores --pop-enabled (ADAL v1 has no PoP), as upstream', async () => {
    const { status } = execCredentialOf(await getToken('spn (secret)', { extra: ['--legacy'] }));
    assert.equal(decodeProtectedHeader(status.token).typ, 'JWT');
    assert.equal(emu.count({ endpoint: 'token_v1' }), 1);
    assert.equal(emu.requests[0].tokenType, undefined);
  });

  const claimErrors: Array<[string, string[], RegExp]> = [
    ['--pop-enabled without --pop-claims', ['--pop-enabled'], /^Error: if enabling pop token mode, please provide the pop-claims flag/],
    ['--pop-claims without --pop-enabled', ['--pop-claims', `u=${ARM_ID}`], /^Error: pop-enabled flag is required to use the PoP token feature/],
    ['blank --pop-claims', ['--pop-enabled', '--pop-claims', ' '], /^Error: unable to parse PoP claims: failed to parse PoP token claims: no claims provided; pass --pop-claims "u=<ARM ID/],
    ['a claim that is not key=value', ['--pop-enabled', '--pop-claims', `u=${ARM_ID},oops`], /^Error: unable to parse PoP claims: failed to parse PoP token claims\. Ensure the claims are formatted as `key=value` with no extra whitespace; pass/],
    ['no u-claim', ['--pop-enabled', '--pop-claims', 'key=value'], /^Error: unable to parse PoP claims: required u-claim not provided for PoP token flow\. Please provide the ARM ID of the cluster in the format `u=<ARM_ID>`; pass/],
  ];
  for (const mode of Object.keys(MODES)) {
    test(`${mode}: claim errors are one line, before any request or browser`, async () => {
      for (const [name, claims, want] of claimErrors) {
        assert.match(oneErrorLine(await getToken(mode, { claims })), want, name);
      }
      assert.equal(emu.requests.length, 0);
      assert.equal(opened(), 0);
    });
  }
});

describe('kubectl with a PoP exec user (spn) against an API server that checks PoP', () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer({ emulator: emu, audiences: [SERVER_ID], popU: ARM_ID });
  });
  after(() => api.close());

  function kubeconfig(name: string, u: string): string {
    const args = ['get-token', '--login', 'spn', '--client-id', SECRET_APP, '--tenant-id', TENANT, '--server-id', SERVER_ID,
      '--authority-host', emu.authorityHost, '--cache-dir', path.join(dir, `${name}-cache`), '--pop-enabled', '--pop-claims', `u=${u}`];
    return writeKubeconfig(path.join(dir, `${name}.yaml`), {
      server: api.url, caPem: api.caPem, user: execUser(args, { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET }, { interactiveMode: 'Never' }),
    });
  }

  /** An access token from the emulator bound to a key of this test's own, and a PoP signer for it. */
  async function handMadePop() {
    const [mine, other] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
    const jwk = await exportJWK(mine.publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    const reqCnf = Buffer.from(JSON.stringify({ kid, xms_ksl: 'sw' })).toString('base64url');
    const grant = { grant_type: 'client_credentials', client_id: SECRET_APP, client_secret: SECRET, scope: `${SERVER_ID}/.default`, token_type: 'pop', req_cnf: reqCnf };
    const { body } = await postForm(`${emu.url}/${TENANT}/oauth2/v2.0/token`, grant, emu.caPem);
    const sign = (over: Record<string, unknown> = {}, key = mine.privateKey) =>
      new SignJWT({ at: body.access_token, ts: Math.floor(Date.now() / 1000), u: ARM_ID, cnf: { jwk: { ...jwk, alg: 'RS256', kid } }, nonce: 'abc', ...over })
        .setProtectedHeader({ typ: 'pop', alg: 'RS256', kid })
        .sign(key);
    return { at: String(body.access_token), sign, otherKey: other.privateKey };
  }

  test('the API server checks the PoP signature, key binding, ts and u (and still takes bearer tokens)', async () => {
    const pop = await handMadePop();
    const elsewhere = await handMadePop();
    const table: Array<[string, string, number]> = [
      ['valid', await pop.sign(), 200],
      ['signed by another key', await pop.sign({}, pop.otherKey), 401],
      ['access token bound to another key', await pop.sign({ at: elsewhere.at }), 401],
      ['another cluster', await pop.sign({ u: `${ARM_ID}-2` }), 401],
      ['ts an hour old', await pop.sign({ ts: Math.floor(Date.now() / 1000) - 3600 }), 401],
      ['the bound access token as a bearer token', pop.at, 200],
    ];
    for (const [name, token, want] of table) {
      const res = await request(`${api.url}/version`, { headers: { authorization: `Bearer ${token}` }, ca: api.caPem });
      assert.equal(res.status, want, name);
    }
  });

  test('kubectl get namespaces succeeds with the PoP token', async () => {
    const r = await runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: kubeconfig('ok', ARM_ID), env: emulatorEnv(emu), timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^namespace\/default$/m);
    const seen = api.requests.filter((q) => q.path === '/api/v1/namespaces').at(-1)!;
    assert.deepEqual([seen.status, seen.pop, seen.u, seen.aud, seen.appid], [200, true, ARM_ID, SERVER_ID, SECRET_APP]);
    assert.ok(emu.count({ endpoint: 'token', tokenType: 'pop' }) >= 1);
  });

  test('the next kubectl commands present PoP tokens signed with the cached key (the third by the fast hit), and the API server accepts them', async () => {
    const config = kubeconfig('cached', ARM_ID);
    // One HOME for the three commands, as a user has: HOME is part of the invocation the hit index keys.
    const env = { ...emulatorEnv(emu), HOME: makeTempDir() };
    const first = await runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: config, env, timeoutMs: 30_000 });
    assert.equal(first.code, 0, first.stderr);
    const requests = emu.count({ endpoint: 'token' });
    const r = await runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: config, env, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(emu.count({ endpoint: 'token' }), requests, 'no token request for the second command');
    const seen = api.requests.filter((q) => q.path === '/api/v1/namespaces').at(-1)!;
    assert.deepEqual([seen.status, seen.pop, seen.u, seen.aud], [200, true, ARM_ID, SERVER_ID]);
    // The second command's light hit indexed the invocation: the third is signed by bin/kubelogin alone.
    const recorder = bundleRecorder();
    const third = await runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: config, env: { ...env, ...recorder.env }, timeoutMs: 30_000 });
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(recorder.bundles(), ['kubelogin.cjs']);
    assert.equal(emu.count({ endpoint: 'token' }), requests);
    const last = api.requests.filter((q) => q.path === '/api/v1/namespaces').at(-1)!;
    assert.deepEqual([last.status, last.pop, last.u, last.aud], [200, true, ARM_ID, SERVER_ID]);
  });

  test('a PoP token for another cluster (u) is refused', async () => {
    const r = await runKubectl(['get', 'namespaces'], { kubeconfig: kubeconfig('other', `${ARM_ID}-other`), env: emulatorEnv(emu), timeoutMs: 30_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
    assert.ok(api.requests.some((q) => q.status === 401));
  });
});
