// A request that gets no usable answer names its cause in the one Error: line: a closed port, a name
// that does not resolve, a proxy that is down or refuses CONNECT, an authority answering HTML or
// malformed JSON. Each through MSAL (spn), our own requests (spn --legacy) and the device code flow.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { oneErrorLine } from '../helpers/assert';
import { emulatorEnv } from '../helpers/env';
import { startProxy } from '../helpers/proxy';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = '88888888-1111-4222-8333-444455556666';
const APP = '88888888-aaaa-4bbb-8ccc-000000000001';
const PUBLIC_APP = '88888888-aaaa-4bbb-8ccc-000000000002';
const SECRET = 'neterr~Spn.Secret-value_0123456789';
const HTML = '<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>';

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('network errors name their cause', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addApp({ clientId: APP, tenantId: TENANT, secret: SECRET });
    emu.addApp({ clientId: PUBLIC_APP, publicClient: true });
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  type Mode = [name: string, args: string[], prefix: RegExp];
  const modes: Mode[] = [
    ['spn (MSAL)', ['--login', 'spn', '--client-id', APP], /^Error: failed to get token: /],
    ['spn --legacy (own request)', ['--login', 'spn', '--legacy', '--client-id', APP], /^Error: failed to get token: /],
    ['devicecode (own request)', ['--login', 'devicecode', '--client-id', PUBLIC_APP], /^Error: failed to authenticate: DeviceCodeCredential: /],
  ];
  const run = (mode: Mode, authority: string, env: Record<string, string> = {}) =>
    runKubelogin(['get-token', ...mode[1], '--server-id', SERVER_ID, '--tenant-id', TENANT, '--authority-host', authority, '--cache-dir', makeTempDir(), '--timeout', '20s'], {
      env: { ...emulatorEnv(emu), AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: SECRET, KUBELOGIN_INTERACTIVE: 'always', ...env },
      timeoutMs: 30_000,
    });
  const line = (mode: Mode, r: Parameters<typeof oneErrorLine>[0], re: RegExp) => {
    const l = oneErrorLine(r);
    assert.match(l, mode[2], l);
    assert.match(l, re, l);
  };

  for (const mode of modes) {
    test(`${mode[0]}: a closed port → connection refused`, async () => {
      const port = await closedPort();
      line(mode, await run(mode, `https://127.0.0.1:${port}/`), new RegExp(`127\\.0\\.0\\.1:${port} refused the connection \\(ECONNREFUSED 127\\.0\\.0\\.1:${port}\\): check --authority-host / --environment`));
    });

    test(`${mode[0]}: a name that does not resolve`, async () => {
      line(mode, await run(mode, 'https://nonexistent.invalid/'), /the host name nonexistent\.invalid cannot be resolved \((ENOTFOUND|EAI_AGAIN)\): check --authority-host \/ --environment and DNS, or set HTTPS_PROXY/);
    });

    test(`${mode[0]}: a proxy that refuses CONNECT (403), and one that wants credentials (407)`, async () => {
      for (const status of [403, 407]) {
        const proxy = await startProxy({ refuseConnect: status });
        try {
          const r = await run(mode, emu.authorityHost, { HTTPS_PROXY: proxy.url });
          line(mode, r, new RegExp(`the proxy http://127\\.0\\.0\\.1:\\d+ refused to open a tunnel to ${emu.host.replace(/\./g, '\\.')} \\(HTTP ${status}`));
          if (status === 407) assert.match(r.stderr, /put the proxy's credentials in HTTPS_PROXY/);
        } finally {
          await proxy.close();
        }
      }
      assert.equal(emu.requests.length, 0);
    });

    test(`${mode[0]}: a proxy that is down`, async () => {
      const port = await closedPort();
      const r = await run(mode, emu.authorityHost, { HTTPS_PROXY: `http://user:s3cr3t-pw@127.0.0.1:${port}` });
      line(mode, r, new RegExp(`the proxy http://127\\.0\\.0\\.1:${port} refused the connection \\(ECONNREFUSED .*\\): check HTTPS_PROXY, or NO_PROXY`));
      assert.doesNotMatch(r.stderr, /s3cr3t-pw/);
    });
  }

  test('spn, spn --legacy: a host that accepts the connection but never answers the TLS handshake → timed out at --timeout, naming it', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      for (const mode of modes.slice(0, 2)) {
        const started = Date.now();
        line(mode, await run(mode, `https://127.0.0.1:${port}/`, { AZURE_CLI_TIMEOUT: '3s' }), new RegExp(`timed out after --timeout waiting for 127\\.0\\.0\\.1:${port}; raise --timeout or check the network`));
        assert.ok(Date.now() - started < 10_000);
      }
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  test('spn (MSAL): the OpenID configuration answered with an HTML 500', async () => {
    emu.failNext('discovery', 1, 500, HTML);
    line(modes[0], await run(modes[0], emu.authorityHost), /127\.0\.0\.1:\d+ answered HTTP 500 with something that is not JSON \(text\/html\): check --authority-host \/ --environment, or a proxy in between/);
  });

  test('spn (MSAL): the OpenID configuration answered an Entra error (unknown tenant): its code and remedy, not endpoints_resolution_error', async () => {
    emu.failNext('discovery', 1, 400, {
      error: 'invalid_tenant',
      error_description: "AADSTS90002: Tenant '88888888-1111-4222-8333-444455556666' not found. Check to make sure you have the correct tenant ID.\r\nTrace ID: x\r\nCorrelation ID: y",
      error_codes: [90002],
    });
    const l = oneErrorLine(await run(modes[0], emu.authorityHost));
    assert.match(l, /^Error: failed to get token: 127\.0\.0\.1:\d+ answered HTTP 400: invalid_tenant: AADSTS90002: Tenant '[^']+' not found\. .*\(the tenant was not found: check --tenant-id and --environment\)$/);
    assert.doesNotMatch(l, /endpoints_resolution_error|Trace ID/);
  });

  test('spn (MSAL): the token endpoint answered with an HTML 502', async () => {
    emu.failNext('token', 1, 502, HTML);
    line(modes[0], await run(modes[0], emu.authorityHost), /answered HTTP 502 with something that is not JSON \(text\/html\)/);
  });

  test('spn --legacy: the v1 token endpoint answered with an HTML 500 / 200', async () => {
    for (const status of [500, 200]) {
      emu.failNext('token_v1', 1, status, HTML);
      line(modes[1], await run(modes[1], emu.authorityHost), new RegExp(`answered HTTP ${status} with something that is not JSON \\(text/html\\)`));
    }
  });

  test('devicecode: the device authorization endpoint answered with an HTML 500', async () => {
    emu.failNext('devicecode', 1, 500, HTML);
    line(modes[2], await run(modes[2], emu.authorityHost), /answered HTTP 500 with something that is not JSON \(text\/html\)/);
  });
});
