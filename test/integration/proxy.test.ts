// HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as corporate build agents set them: Entra ID requests go through
// the proxy, NO_PROXY is honoured, managed identity never goes through it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine, tokenOf } from '../helpers/assert';
import { emulatorEnv, imdsEnv } from '../helpers/env';
import { startProxy, type Proxy } from '../helpers/proxy';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '55555555-1111-4222-8333-444455556666';
const APP = '55555555-aaaa-4bbb-8ccc-000000000001';
const SECRET = 'proxy~Spn.Secret-value_0123456789';
const MI_CLIENT = '55555555-aaaa-4bbb-8ccc-0000000000a1';

describe('get-token behind a proxy', () => {
  let emu: Emulator;
  let proxy: Proxy;

  before(async () => {
    emu = await startEmulator();
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
    emu.addManagedIdentity({ clientId: MI_CLIENT });
    proxy = await startProxy();
  });
  after(async () => {
    await proxy.close();
    await emu.close();
  });

  const spn = (env: Record<string, string | undefined>) =>
    runKubelogin(['get-token', '--login', 'spn', '--server-id', SERVER_ID, '--client-id', APP, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', makeTempDir()], {
      env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, ...env },
    });

  it('HTTPS_PROXY: the Entra ID requests are tunnelled through the proxy', async () => {
    proxy.targets.length = 0;
    emu.reset();
    const token = tokenOf(await spn({ HTTPS_PROXY: proxy.url }));
    assert.ok(token);
    assert.ok(proxy.targets.length >= 1, 'the proxy saw the requests');
    assert.ok(proxy.targets.every((t) => t === emu.host), proxy.targets.join(' '));
    assert.equal(emu.count({ endpoint: 'token', grantType: 'client_credentials' }), 1);
  });

  it('lower-case https_proxy works too', async () => {
    proxy.targets.length = 0;
    tokenOf(await spn({ https_proxy: proxy.url }));
    assert.ok(proxy.targets.includes(emu.host));
  });

  it('NO_PROXY lists the host: straight to Entra ID, the proxy sees nothing', async () => {
    proxy.targets.length = 0;
    tokenOf(await spn({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }));
    assert.deepEqual(proxy.targets, []);
  });

  it('NO_PROXY with a CIDR block (as curl and Go): 127.0.0.0/8 goes direct, 10.0.0.0/8 does not cover 127.0.0.1', async () => {
    proxy.targets.length = 0;
    tokenOf(await spn({ HTTPS_PROXY: proxy.url, NO_PROXY: 'example.com,127.0.0.0/8' }));
    assert.equal(proxy.targets.length, 0, proxy.targets.join(' '));
    tokenOf(await spn({ HTTPS_PROXY: proxy.url, NO_PROXY: '10.0.0.0/8, fd00::/8' }));
    assert.ok(proxy.targets.includes(emu.host));
  });

  it('a proxy that is down: one line naming the network, exit 1, nothing on stdout', async () => {
    const dead = await startProxy();
    await dead.close();
    const line = oneErrorLine(await spn({ HTTPS_PROXY: dead.url, AZURE_CLI_TIMEOUT: '10s' }));
    assert.match(line, /the proxy http:\/\/127\.0\.0\.1:\d+ refused the connection \(ECONNREFUSED/);
  });

  it('managed identity never goes through the proxy (IMDS is link-local)', async () => {
    proxy.targets.length = 0;
    emu.reset();
    const r = await runKubelogin(['get-token', '--login', 'msi', '--server-id', SERVER_ID, '--client-id', MI_CLIENT, '--cache-dir', makeTempDir()], {
      env: { ...imdsEnv(emu), HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
    });
    assert.ok(tokenOf(r));
    assert.deepEqual(proxy.targets, []);
    assert.equal(emu.count({ endpoint: 'imds' }), 1);
  });
});
