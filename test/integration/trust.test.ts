// The OS trust store on the miss path: an emulator whose CA reaches the plugin only through
// SSL_CERT_FILE, only through SSL_CERT_DIR, or not at all (NODE_EXTRA_CA_CERTS unset in each), for
// MSAL's requests (spn), our own (spn --legacy, device code) and a proxy's CONNECT tunnel.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine, tokenOf } from '../helpers/assert';
import { repoRoot } from '../helpers/paths';
import { startProxy, type Proxy } from '../helpers/proxy';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '77777777-1111-4222-8333-444455556666';
const APP = '77777777-aaaa-4bbb-8ccc-000000000001';
const PUBLIC_APP = '77777777-aaaa-4bbb-8ccc-000000000002';
const USER = 'tess@example.com';
const SECRET = 'trust~Spn.Secret-value_0123456789';
const NO_CA = { NODE_EXTRA_CA_CERTS: undefined, SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined };

describe('trust: the OS store on the miss path', () => {
  let emu: Emulator;
  let proxy: Proxy;
  let hashedDir: string;
  let pemDir: string;

  before(async () => {
    emu = await startEmulator();
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
    emu.addApp({ clientId: PUBLIC_APP, publicClient: true });
    emu.addUser({ username: USER, password: 'not-used' });
    emu.deviceCode = { interval: 0.25, expiresIn: 900, slowDownTimes: 0, autoApproveAs: USER };
    proxy = await startProxy();
    // An OpenSSL-hashed folder (c_rehash's names), and a folder of plain *.crt files.
    hashedDir = makeTempDir();
    const hash = execFileSync('openssl', ['x509', '-hash', '-noout', '-in', emu.caFile], { encoding: 'utf8' }).trim();
    fs.copyFileSync(emu.caFile, path.join(hashedDir, `${hash}.0`));
    pemDir = makeTempDir();
    fs.copyFileSync(emu.caFile, path.join(pemDir, 'corporate-proxy.crt'));
  });
  after(async () => {
    await proxy.close();
    await emu.close();
  });

  test("precondition: the machine's own bundles do not hold the emulator's CA", () => {
    const body = emu.caPem.replace(/-----[^-]+-----|\s+/g, '');
    for (const file of ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem']) {
      if (fs.existsSync(file)) assert.ok(!fs.readFileSync(file, 'utf8').replace(/\s+/g, '').includes(body), file);
    }
  });

  test('the cache-hit bundle holds none of it (dist/main.cjs reads no CA file)', () => {
    const hit = fs.readFileSync(path.join(repoRoot, 'dist/main.cjs'), 'utf8');
    for (const word of ['SSL_CERT_FILE', 'SSL_CERT_DIR', 'ca-certificates.crt', 'getCACertificates']) assert.ok(!hit.includes(word), word);
  });

  const spn = (env: Record<string, string | undefined>, ...extra: string[]) =>
    runKubelogin(['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', makeTempDir(), ...extra], {
      env: { ...NO_CA, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, ...env },
    });
  const devicecode = (env: Record<string, string | undefined>) =>
    runKubelogin(['get-token', '--server-id', SERVER_ID, '--client-id', PUBLIC_APP, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', makeTempDir()], {
      env: { ...NO_CA, KUBELOGIN_INTERACTIVE: 'always', ...env },
      timeoutMs: 20_000,
    });

  const sources: Array<[string, () => Record<string, string>]> = [
    ['SSL_CERT_FILE', () => ({ SSL_CERT_FILE: emu.caFile })],
    ['SSL_CERT_DIR (OpenSSL-hashed names)', () => ({ SSL_CERT_DIR: hashedDir })],
    ['SSL_CERT_DIR (*.crt files, two folders)', () => ({ SSL_CERT_DIR: `${makeTempDir()}:${pemDir}` })],
  ];
  for (const [name, env] of sources) {
    test(`CA only in ${name}: MSAL's requests (spn) verify`, async () => {
      assert.ok(tokenOf(await spn(env())));
    });
  }

  test("CA only in SSL_CERT_FILE: our own requests verify (spn --legacy's v1 token, device code)", async () => {
    assert.ok(tokenOf(await spn({ SSL_CERT_FILE: emu.caFile }, '--legacy')));
    const res = await devicecode({ SSL_CERT_FILE: emu.caFile });
    assert.match(res.stderr, /enter the code/);
    assert.ok(tokenOf(res));
  });

  test('CA only in SSL_CERT_DIR, through a proxy: the tunnelled TLS verifies', async () => {
    proxy.targets.length = 0;
    assert.ok(tokenOf(await spn({ SSL_CERT_DIR: pemDir, HTTPS_PROXY: proxy.url })));
    assert.ok(proxy.targets.includes(emu.host));
  });

  test('NODE_EXTRA_CA_CERTS keeps working, also beside an SSL_CERT_FILE without the CA', async () => {
    const other = path.join(makeTempDir(), 'other.pem');
    fs.writeFileSync(other, fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8').split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n');
    assert.ok(tokenOf(await spn({ NODE_EXTRA_CA_CERTS: emu.caFile, SSL_CERT_FILE: other })));
  });

  const untrusted = /^Error: failed to get token: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \([A-Z_]+: [^)]*\): if a proxy or firewall inspects TLS, add the CA certificate that issued it to the file named by SSL_CERT_FILE \(or a folder in SSL_CERT_DIR, or NODE_EXTRA_CA_CERTS\)/;

  test('CA nowhere: one line naming the host and the variables that fix it (MSAL, v1, device code, proxy)', async () => {
    emu.reset();
    assert.match(oneErrorLine(await spn({})), untrusted);
    assert.match(oneErrorLine(await spn({}, '--legacy')), /^Error: failed to get token: .*the TLS certificate of 127\.0\.0\.1:\d+ is not trusted .*SSL_CERT_FILE/);
    assert.match(oneErrorLine(await devicecode({})), /^Error: failed to authenticate: DeviceCodeCredential: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted .*SSL_CERT_FILE/);
    assert.match(oneErrorLine(await spn({ HTTPS_PROXY: proxy.url })), untrusted);
    assert.equal(emu.requests.length, 0, 'no request reached the emulator');
  });

  test('an SSL_CERT_FILE that cannot be read is named in the error', async () => {
    const line = oneErrorLine(await spn({ SSL_CERT_FILE: '/nonexistent/ca.pem' }));
    assert.match(line, /is not trusted .*\(note: SSL_CERT_FILE=\/nonexistent\/ca\.pem cannot be read\)/);
  });
});
