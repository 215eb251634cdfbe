// The fake API server with the real kubectl: static tokens from the emulator, and an exec plugin stand-in.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEmulator, type Emulator } from '../../emulator';
import { withSettings } from '../../helpers/emulator-settings';
import { startApiServer, type ApiServer } from '../../fake-apiserver';
import { postForm } from '../../helpers/http';
import { writeKubeconfig, type KubeUser } from '../../helpers/kubeconfig';
import { runKubectl } from '../../helpers/run';
import { makeTempDir } from '../../helpers/tmp';

const SERVER = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT = 'aks-tenant';

let emu: Emulator;
let api: ApiServer;
let dir: string;

before(async () => {
  emu = await startEmulator();
  api = await startApiServer({ emulator: emu, audiences: [SERVER] });
  emu.addApp({ clientId: 'spn', secret: 'pw' });
  dir = makeTempDir();
});
after(async () => {
  await api.close();
  await emu.close();
});

async function token(opts: { scope?: string; v1?: boolean } = {}): Promise<string> {
  const url = `${emu.url}/${TENANT}/oauth2/${opts.v1 ? '' : 'v2.0/'}token`;
  const form = opts.v1
    ? { grant_type: 'client_credentials', client_id: 'spn', client_secret: 'pw', resource: SERVER }
    : { grant_type: 'client_credentials', client_id: 'spn', client_secret: 'pw', scope: opts.scope ?? `${SERVER}/.default` };
  const { body } = await postForm(url, form, emu.caPem);
  return body.access_token;
}

let n = 0;
function kubeconfig(user: KubeUser): string {
  return writeKubeconfig(path.join(dir, `config-${++n}`), { server: api.url, caPem: api.caPem, user });
}

// One at a time: each test reads the API server's request log for its own request.
describe('kubectl against the fake API server', () => {
  test('get --raw /version with a static token', async () => {
    const r = await runKubectl(['get', '--raw', '/version'], { kubeconfig: kubeconfig({ token: await token() }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).gitVersion, 'v1.32.0');
    const seen = api.requests.find((q) => q.path === '/version' && q.status === 200)!;
    assert.equal(seen.aud, SERVER);
    assert.equal(seen.appid, 'spn');
  });

  test('get namespaces prints the table', async () => {
    const r = await runKubectl(['get', 'namespaces'], { kubeconfig: kubeconfig({ token: await token() }) });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^NAME\s+STATUS\s+AGE$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2)), [['default', 'Active'], ['kube-system', 'Active']]);
  });

  test('get namespace default -o json, and a missing namespace', async () => {
    const config = kubeconfig({ token: await token({ v1: true }) });
    const r = await runKubectl(['get', 'namespace', 'default', '-o', 'json'], { kubeconfig: config });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).metadata.name, 'default');
    const missing = await runKubectl(['get', 'namespace', 'nope'], { kubeconfig: config });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /namespaces "nope" not found/);
  });

  test('an exec credential plugin (v1 ExecCredential) is run by kubectl and its token accepted', async () => {
    const plugin = `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.TEST_TOKEN } }))`;
    const config = kubeconfig({
      exec: { command: process.execPath, args: ['-e', plugin], env: { TEST_TOKEN: await token() }, apiVersion: 'client.authentication.k8s.io/v1' },
    });
    const r = await runKubectl(['get', 'namespaces', '-o', 'name'], { kubeconfig: config });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'namespace/default\nnamespace/kube-system\n');
  });
});

// Not concurrent: it changes the emulator's token lifetime.
describe('the fake API server refuses bad tokens', () => {
  test('rejects: wrong audience, expired, foreign signature, garbage', async () => {
    const wrongAud = await token({ scope: 'https://management.azure.com/.default' });
    const foreign = await emu.issueFederatedToken({ subject: 'x', audience: SERVER });
    const expired = await withSettings(emu, { tokenLifetimeSeconds: -60 }, () => token());
    for (const user of [{ token: wrongAud }, { token: expired }, { token: foreign }, { token: 'not-a-jwt' }]) {
      const r = await runKubectl(['get', '--raw', '/version'], { kubeconfig: kubeconfig(user) });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Unauthorized|must be logged in/);
    }
    assert.ok(api.requests.filter((q) => q.status === 401).length >= 4);
  });
});
