// bin/kubelogin get-token --login spn against the Entra ID emulator: secret, certificate (PEM/PFX), env
// variants, --legacy, and the error lines users see.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { claimsOf, execCredentialOf, oneErrorLine, tokenOf } from '../helpers/assert';
import { makeClientCertificate, type ClientCertificate } from '../helpers/certs';
import { emulatorEnv } from '../helpers/env';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const SECRET_APP = '11111111-aaaa-4bbb-8ccc-000000000001';
const CERT_APP = '11111111-aaaa-4bbb-8ccc-000000000002';
const SECRET = 'Xy8Q~spn.secret-value_0123456789abcdef';
const PFX_PASSWORD = 'pfx-P@ssw0rd-4711';
const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

describe('get-token --login spn', () => {
  let emu: Emulator;
  let dir: string;
  let pem: ClientCertificate;
  let pfx: ClientCertificate;
  let stranger: ClientCertificate;
  let ec: ClientCertificate;

  before(async () => {
    dir = makeTempDir('kubelogin-spn-');
    [emu, pem, pfx, stranger, ec] = await Promise.all([
      startEmulator(),
      makeClientCertificate({ dir, name: 'pem' }),
      makeClientCertificate({ dir, name: 'pfx', password: PFX_PASSWORD }),
      makeClientCertificate({ dir, name: 'stranger' }),
      makeClientCertificate({ dir, name: 'ec', keyType: 'ec' }),
    ]);
    emu.addApp({ clientId: SECRET_APP, tenantId: TENANT, secret: SECRET });
    // One app trusts both certificates, as an app registration with two uploaded certificates would.
    emu.addApp({ clientId: CERT_APP, tenantId: TENANT, certificatePem: pem.certPem });
    emu.addApp({ clientId: `${CERT_APP}-pfx`, tenantId: TENANT, certificatePem: pfx.certPem });
  });
  after(() => emu.close());

  /** get-token with the emulator as authority and a fresh cache, so every run reaches the network. */
  function getToken(args: string[], env: Record<string, string | undefined> = {}) {
    return runKubelogin(
      ['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--authority-host', emu.authorityHost, '--cache-dir', makeTempDir('kubelogin-spn-cache-'), ...args],
      { env: { ...emulatorEnv(emu), ...env }, timeoutMs: 20_000 },
    );
  }

  it('gets a token with a client secret and prints one ExecCredential with the requested apiVersion', async () => {
    emu.reset();
    const r = await getToken(['--client-id', SECRET_APP, '--tenant-id', TENANT, '--client-secret', SECRET], {
      KUBERNETES_EXEC_INFO: JSON.stringify({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1', spec: { interactive: false } }),
    });
    const cred = execCredentialOf(r);
    assert.equal(r.stderr, '');
    assert.equal(cred.apiVersion, 'client.authentication.k8s.io/v1');
    const claims = claimsOf(cred.status.token);
    assert.equal(claims.aud, SERVER_ID);
    assert.equal(claims.appid, SECRET_APP);
    assert.equal(claims.tid, TENANT);
    assert.match(cred.status.expirationTimestamp, RFC3339_SECONDS);
    assert.ok(Math.abs(Date.parse(cred.status.expirationTimestamp) / 1000 - Number(claims.exp)) <= 5, 'expiry matches the token');
    const tokenRequests = emu.requests.filter((q) => q.endpoint === 'token');
    assert.equal(tokenRequests.length, 1);
    assert.deepEqual(
      [tokenRequests[0].grantType, tokenRequests[0].clientId, tokenRequests[0].tenantId, tokenRequests[0].scope],
      ['client_credentials', SECRET_APP, TENANT, `${SERVER_ID}/.default`],
    );
  });

  it('fails on a wrong secret with one line naming AADSTS7000215 and what to do', async () => {
    const r = await getToken(['--client-id', SECRET_APP, '--tenant-id', TENANT, '--client-secret', 'Wr0ng~secret-value-xyz']);
    const line = oneErrorLine(r);
    assert.match(line, /^Error: failed to get token: .*AADSTS7000215/);
    assert.match(line, /create a new secret .* --client-secret or AAD_SERVICE_PRINCIPAL_CLIENT_SECRET/);
    assert.ok(!line.includes('Wr0ng~secret-value-xyz'));
  });

  const envVariants: Array<{ name: string; args?: string[]; env: Record<string, string> }> = [
    { name: 'AAD_SERVICE_PRINCIPAL_* and AZURE_TENANT_ID', env: { AAD_SERVICE_PRINCIPAL_CLIENT_ID: SECRET_APP, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, AZURE_TENANT_ID: TENANT } },
    { name: 'AZURE_CLIENT_ID / AZURE_CLIENT_SECRET / AZURE_TENANT_ID', env: { AZURE_CLIENT_ID: SECRET_APP, AZURE_CLIENT_SECRET: SECRET, AZURE_TENANT_ID: TENANT } },
    { name: 'AZURE_* over wrong flags', args: ['--client-id', 'flag-app', '--client-secret', 'flag-secret', '--tenant-id', 'flag-tenant'], env: { AZURE_CLIENT_ID: SECRET_APP, AZURE_CLIENT_SECRET: SECRET, AZURE_TENANT_ID: TENANT } },
    { name: 'ARM_* with --use-azurerm-env-vars', args: ['--use-azurerm-env-vars'], env: { ARM_CLIENT_ID: SECRET_APP, ARM_CLIENT_SECRET: SECRET, ARM_TENANT_ID: TENANT, AZURE_TENANT_ID: 'ignored-tenant' } },
    { name: 'a PFX through AZURE_CLIENT_CERTIFICATE_PATH / _PASSWORD', args: ['--client-id', `${CERT_APP}-pfx`, '--tenant-id', TENANT], env: { AZURE_CLIENT_CERTIFICATE_PATH: '<pfx>', AZURE_CLIENT_CERTIFICATE_PASSWORD: PFX_PASSWORD } },
  ];
  for (const v of envVariants) {
    it(`reads the identity from ${v.name}`, async () => {
      const env = Object.fromEntries(Object.entries(v.env).map(([k, val]) => [k, val === '<pfx>' ? pfx.pfxFile : val]));
      const r = await getToken(v.args ?? [], env);
      const claims = claimsOf(tokenOf(r));
      assert.equal(claims.aud, SERVER_ID);
      assert.equal(claims.tid, TENANT);
    });
  }

  it('does not read ARM_* without --use-azurerm-env-vars', async () => {
    const line = oneErrorLine(await getToken([], { ARM_CLIENT_ID: SECRET_APP, ARM_CLIENT_SECRET: SECRET, ARM_TENANT_ID: TENANT }));
    assert.match(line, /^Error: failed to create azidentity credential: client ID cannot be empty: pass --client-id or set AAD_SERVICE_PRINCIPAL_CLIENT_ID or AZURE_CLIENT_ID$/);
  });

  const missing: Array<{ name: string; args: string[]; error: RegExp }> = [
    { name: 'client id', args: ['--tenant-id', TENANT, '--client-secret', SECRET], error: /client ID cannot be empty: pass --client-id or set AAD_SERVICE_PRINCIPAL_CLIENT_ID or AZURE_CLIENT_ID$/ },
    { name: 'client id (azurerm)', args: ['--use-azurerm-env-vars', '--tenant-id', TENANT], error: /client ID cannot be empty: pass --client-id or set ARM_CLIENT_ID$/ },
    { name: 'tenant id', args: ['--client-id', SECRET_APP, '--client-secret', SECRET], error: /tenant ID cannot be empty: pass --tenant-id or set AZURE_TENANT_ID$/ },
    { name: 'secret and certificate', args: ['--client-id', SECRET_APP, '--tenant-id', TENANT], error: /client secret cannot be empty: pass --client-secret or set AAD_SERVICE_PRINCIPAL_CLIENT_SECRET or AZURE_CLIENT_SECRET \(or use a certificate: --client-certificate/ },
  ];
  for (const m of missing) {
    it(`says what to do when the ${m.name} is missing`, async () => {
      emu.reset();
      const line = oneErrorLine(await getToken(m.args));
      assert.match(line, /^Error: failed to create azidentity credential: /);
      assert.match(line, m.error);
      assert.equal(emu.count({ endpoint: 'token' }), 0);
    });
  }

  const certificates: Array<{ name: string; client: string; file: () => string; password?: string }> = [
    { name: 'a PEM file (PKCS#8 key)', client: CERT_APP, file: () => pem.pemFile },
    { name: 'a PEM file whose key is labelled RSA PRIVATE KEY', client: CERT_APP, file: () => pem.rsaKeyLabelPemFile },
    { name: 'a PFX file with a password', client: `${CERT_APP}-pfx`, file: () => pfx.pfxFile, password: PFX_PASSWORD },
  ];
  for (const c of certificates) {
    it(`gets a token with ${c.name}`, async () => {
      const password = c.password ? ['--client-certificate-password', c.password] : [];
      const r = await getToken(['--client-id', c.client, '--tenant-id', TENANT, '--client-certificate', c.file(), ...password]);
      const claims = claimsOf(tokenOf(r));
      assert.equal(claims.aud, SERVER_ID);
      assert.equal(claims.appid, c.client);
      assert.equal(claims.appidacr, '2', 'certificate authentication');
    });
  }

  it('prefers the certificate when a secret is given too', async () => {
    const r = await getToken(['--client-id', CERT_APP, '--tenant-id', TENANT, '--client-certificate', pem.pemFile, '--client-secret', 'not-used-secret']);
    assert.equal(claimsOf(tokenOf(r)).appidacr, '2');
  });

  const certErrors: Array<{ name: string; file: () => string; password?: string; error: RegExp }> = [
    { name: 'a PFX with the wrong password', file: () => pfx.pfxFile, password: 'Wrong-pfx-pass', error: /failed to read certificate: pkcs12: decryption password incorrect; check --client-certificate-password/ },
    { name: 'an EC key', file: () => ec.pemFile, error: /failed to read certificate: pkcs8 contained non-RSA key\. Expected RSA key; .*RSA/ },
    { name: 'an unreadable path', file: () => path.join(dir, 'missing', 'sp.pem'), error: /failed to read certificate: failed to read the certificate file \(.*missing\/sp\.pem\): ENOENT.*; check --client-certificate/ },
    { name: 'a PEM without a key', file: () => { const f = path.join(dir, 'cert-only.pem'); fs.writeFileSync(f, pem.certPem); return f; }, error: /failed to read certificate: failed to decode a pem block from private key/ },
  ];
  for (const c of certErrors) {
    it(`fails before any request with ${c.name}`, async () => {
      emu.reset();
      const password = c.password ? ['--client-certificate-password', c.password] : [];
      const line = oneErrorLine(await getToken(['--client-id', CERT_APP, '--tenant-id', TENANT, '--client-certificate', c.file(), ...password]));
      assert.match(line, /^Error: failed to create azidentity credential: /);
      assert.match(line, c.error);
      if (c.password) assert.ok(!line.includes(c.password));
      assert.equal(emu.count({ endpoint: 'token' }), 0);
    });
  }

  it('reports a certificate the app does not know with AADSTS700027 and what to do', async () => {
    const line = oneErrorLine(await getToken(['--client-id', CERT_APP, '--tenant-id', TENANT, '--client-certificate', stranger.pemFile]));
    assert.match(line, /AADSTS700027/);
    assert.match(line, /certificate uploaded to the app registration/);
  });

  const legacy = [
    { name: 'a secret', args: () => ['--client-id', SECRET_APP, '--client-secret', SECRET], client: SECRET_APP },
    { name: 'a certificate', args: () => ['--client-id', CERT_APP, '--client-certificate', pem.pemFile], client: CERT_APP },
  ];
  for (const l of legacy) {
    it(`--legacy with ${l.name} uses the v1 endpoint with resource and gets aud spn:<server id>`, async () => {
      emu.reset();
      const r = await getToken(['--legacy', '--tenant-id', TENANT, ...l.args()]);
      const cred = execCredentialOf(r);
      const claims = claimsOf(cred.status.token);
      assert.equal(claims.aud, `spn:${SERVER_ID}`);
      assert.equal(claims.appid, l.client);
      assert.equal(Date.parse(cred.status.expirationTimestamp) / 1000, claims.exp, 'v1 expires_on is used as is');
      const v1 = emu.requests.filter((q) => q.endpoint === 'token_v1');
      assert.equal(v1.length, 1);
      assert.deepEqual([v1[0].grantType, v1[0].resource, v1[0].tenantId], ['client_credentials', SERVER_ID, TENANT]);
      assert.equal(emu.count({ endpoint: 'token' }), 0);
    });
  }

  it('--legacy with a wrong secret gives the same one-line AADSTS error', async () => {
    const line = oneErrorLine(await getToken(['--legacy', '--client-id', SECRET_APP, '--tenant-id', TENANT, '--client-secret', 'Wr0ng~legacy-secret']));
    assert.match(line, /AADSTS7000215.*\(the client secret is wrong/);
  });

  for (const mode of [[], ['--legacy']]) {
    it(`stops at --timeout when Entra ID does not answer (${mode.length ? '--legacy, our own fetch' : 'MSAL'})`, async () => {
      emu.delayMs = 5_000;
      try {
        const started = Date.now();
        const line = oneErrorLine(await getToken(['--timeout', '1s', '--client-id', SECRET_APP, '--tenant-id', TENANT, '--client-secret', SECRET, ...mode]));
        assert.match(line, /timed out.*--timeout/);
        assert.ok(Date.now() - started < 4_500, 'gave up before the slow answer arrived');
      } finally {
        emu.delayMs = 0;
      }
    });
  }

  it('keeps the secret, the PFX password and the token out of stderr at -v 9', async () => {
    for (const args of [
      ['--client-id', SECRET_APP, '--client-secret', SECRET],
      ['--client-id', `${CERT_APP}-pfx`, '--client-certificate', pfx.pfxFile, '--client-certificate-password', PFX_PASSWORD],
    ]) {
      const r = await getToken(['-v', '9', '--tenant-id', TENANT, ...args]);
      const token = tokenOf(r);
      assert.ok(r.stderr.length > 0, 'verbose output was written');
      for (const secret of [SECRET, PFX_PASSWORD, token, token.split('.')[2]]) assert.ok(!r.stderr.includes(secret), 'a secret leaked to stderr');
      assert.doesNotMatch(r.stderr, /BEGIN (RSA )?PRIVATE KEY/);
    }
  });
});
