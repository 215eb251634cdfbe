// Real kubectl, one kubeconfig with two contexts (two clusters, two server ids) and another kubeconfig of the
// same tenant, all with devicecode and the default cache folder: one device code sign-in serves all three.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { after, before, describe, it } from 'node:test';
import { startEmulator, type Emulator } from '../emulator';
import { startApiServer, type ApiServer } from '../fake-apiserver';
import { execUser, kubeconfigObject } from '../helpers/kubeconfig';
import { repoRoot } from '../helpers/paths';
import { cleanEnv, collect, runKubectl } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVERS = ['e2e-tenant-cluster-one', 'e2e-tenant-cluster-two', 'e2e-tenant-cluster-three'];
const CLIENT_ID = 'e2e-tenant-client';
const TENANT = 'e2e-tenant';
const USER = 'tess@example.com';

describe('one sign-in per tenant through kubectl', () => {
  let emu: Emulator;
  let apis: ApiServer[];
  before(async () => {
    emu = await startEmulator({ tokenLifetimeSeconds: 3600 });
    emu.addApp({ clientId: CLIENT_ID, publicClient: true });
    emu.addUser({ username: USER, password: 'not-used' });
    emu.deviceCode = { interval: 0.2, expiresIn: 900, slowDownTimes: 0, autoApproveAs: USER };
    apis = [
      await startApiServer({ emulator: emu, audiences: [SERVERS[0]] }),
      await startApiServer({ emulator: emu, audiences: [SERVERS[1], SERVERS[2]] }),
    ];
  });
  after(async () => {
    for (const api of apis) await api.close();
    await emu.close();
  });

  /** A kubeconfig with one context per [name, server id, API server]. */
  function kubeconfig(file: string, entries: Array<[string, string, ApiServer]>): string {
    const docs = entries.map(([name, serverId, api]) => kubeconfigObject({
      server: api.url,
      caPem: api.caPem,
      context: name,
      user: execUser(['get-token', '--login', 'devicecode', '--server-id', serverId, '--client-id', CLIENT_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost],
        { NODE_EXTRA_CA_CERTS: emu.caFile }, { interactiveMode: 'IfAvailable' }),
    }));
    const all = (key: string) => docs.flatMap((d) => d[key] as unknown[]);
    const merged = { ...docs[0], clusters: all('clusters'), contexts: all('contexts'), users: all('users') };
    fs.writeFileSync(file, yaml.dump(merged), { mode: 0o600 });
    return file;
  }

  it('a device code sign-in for one context serves the other context and another kubeconfig, without a terminal', async () => {
    const home = makeTempDir();
    const two = kubeconfig(path.join(home, 'two-contexts.yaml'), [['one', SERVERS[0], apis[0]], ['two', SERVERS[1], apis[1]]]);
    const other = kubeconfig(path.join(home, 'other.yaml'), [['three', SERVERS[2], apis[1]]]);

    // The first sign-in in a terminal (util-linux `script` gives kubectl a tty, so the plugin may prompt).
    const command = ['kubectl', '--kubeconfig', two, '--context', 'one', 'get', 'namespaces', '-o', 'name'].map((a) => `'${a}'`).join(' ');
    const first = await collect(spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: cleanEnv({ HOME: home }), stdio: ['pipe', 'pipe', 'pipe'] }), { timeoutMs: 30_000 });
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /enter the code/);
    assert.match(first.stdout, /namespace\/default/);

    emu.deviceCode.autoApproveAs = undefined;
    for (const [config, context] of [[two, 'two'], [other, 'three']]) {
      const r = await runKubectl(['--context', context, 'get', 'namespaces', '-o', 'name'], { kubeconfig: config, env: { HOME: home }, timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^namespace\/default$/m);
    }
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1, 'one sign-in for three clusters in two kubeconfigs');
    const accepted = apis.flatMap((api) => api.requests.filter((q) => q.status === 200).map((q) => q.aud));
    assert.deepEqual([...new Set(accepted)].sort(), [...SERVERS].sort());
    const cache = path.join(home, '.kube', 'cache', 'kubelogin');
    assert.equal(fs.readdirSync(path.join(cache, 'tokens')).filter((f) => f.endsWith('.json')).length, 3);
    assert.equal(fs.readdirSync(path.join(cache, 'msal')).filter((f) => f.endsWith('.json')).length, 1);
  });
});
