// Real kubectl running bin/kubelogin --login devicecode from a kubeconfig exec entry, against the emulator
// and the fake API server: sign-in in a terminal, silent reuse without one, fail-fast with nobody to ask.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Emulator } from '../emulator';
import type { ApiServer } from '../fake-apiserver';
import { startCluster, type Cluster } from '../helpers/cluster';
import { execUser } from '../helpers/kubeconfig';
import { repoRoot } from '../helpers/paths';
import { cleanEnv, collect, runKubectl } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const SERVER_ID = 'e2e-devicecode-server';
const CLIENT_ID = 'e2e-devicecode-client';
const TENANT = 'e2e-devicecode-tenant';
const USER = 'kim@example.com';

let cluster: Cluster;
let emu: Emulator;
let api: ApiServer;

before(async () => {
  // Below get-token's 5-minute refresh-ahead: a second kubectl run must go through the refresh token.
  cluster = await startCluster({ audience: SERVER_ID, emulator: { tokenLifetimeSeconds: 200 } });
  ({ emu, api } = cluster);
  emu.addApp({ clientId: CLIENT_ID, publicClient: true });
  emu.addUser({ username: USER, password: 'not-used' });
});
after(() => cluster.close());
beforeEach(() => {
  emu.deviceCode = { interval: 0.25, expiresIn: 900, slowDownTimes: 0, autoApproveAs: USER };
  emu.reset();
  api.requests.length = 0;
});

function kubeconfig(cacheDir: string): string {
  const args = ['get-token', '--login', 'devicecode', '--server-id', SERVER_ID, '--client-id', CLIENT_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const user = execUser(args, { NODE_EXTRA_CA_CERTS: emu.caFile }, { interactiveMode: 'IfAvailable' });
  return cluster.kubeconfig(path.join(cacheDir, 'kubeconfig'), user);
}

/**
 * kubectl in a pseudo-terminal (util-linux `script`), so kubectl lets the plugin prompt. `stdin: 'pipe'`
 * feeds kubectl from a pipe inside the terminal, as `cat app.yaml | kubectl apply -f -` does: kubectl then
 * sends spec.interactive=false while stderr is still the terminal.
 */
function kubectlInTerminal(config: string, args: string[], opts: { stdin?: 'pipe'; env?: Record<string, string> } = {}) {
  const command = ['kubectl', '--kubeconfig', config, ...args].map((a) => `'${a}'`).join(' ') + (opts.stdin === 'pipe' ? ' </dev/null' : '');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, env: cleanEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'] });
  return collect(child, { timeoutMs: 20_000 });
}

describe('devicecode through kubectl', () => {
  test('kubectl get namespaces signs in with a device code in a terminal, then reuses it without one', async () => {
    const config = kubeconfig(makeTempDir());
    const first = await kubectlInTerminal(config, ['get', 'namespaces']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /To sign in, use a web browser .* enter the code \w+/);
    assert.match(first.stdout, /\bdefault\b/);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1);
    assert.ok(api.requests.some((r) => r.status === 200 && r.aud === SERVER_ID));

    emu.deviceCode.autoApproveAs = undefined;
    const again = await runKubectl(['get', 'namespaces'], { kubeconfig: config });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\bdefault\b/);
    assert.doesNotMatch(again.stderr, /enter the code/);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1, 'no second device code');
    assert.ok(emu.count({ grantType: 'refresh_token' }) >= 2, 'the hand-over to MSAL and the silent refresh');
  });

  test('stdin piped in a terminal (spec.interactive=false): the code goes to the terminal on stderr and the sign-in proceeds', async () => {
    const res = await kubectlInTerminal(kubeconfig(makeTempDir()), ['get', 'namespaces'], { stdin: 'pipe' });
    assert.equal(res.code, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /enter the code \w+/);
    assert.match(res.stdout, /\bdefault\b/);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 1);
  });

  test('in a CI job (CI=true) kubectl fails at once, even with a terminal', async () => {
    const res = await kubectlInTerminal(kubeconfig(makeTempDir()), ['get', 'namespaces'], { env: { CI: 'true' } });
    assert.notEqual(res.code, 0);
    assert.match(res.stdout, /Error: failed to authenticate: DeviceCodeCredential: sign-in needs a person, but nobody can be asked here \(a CI system was detected \(CI is set\)\).*--login \(spn, workloadidentity, azurecli, msi\)/);
    assert.ok(res.durationMs < 8000, `took ${res.durationMs} ms`);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 0);
  });

  test('KUBELOGIN_INTERACTIVE=always: no terminal at all, the code is still printed and the sign-in awaited', async () => {
    const cacheDir = makeTempDir();
    const args = ['get-token', '--login', 'devicecode', '--server-id', SERVER_ID, '--client-id', CLIENT_ID, '--tenant-id', TENANT, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
    const user = execUser(args, { NODE_EXTRA_CA_CERTS: emu.caFile, KUBELOGIN_INTERACTIVE: 'always' }, { interactiveMode: 'IfAvailable' });
    const res = await runKubectl(['get', 'namespaces'], { kubeconfig: cluster.kubeconfig(path.join(cacheDir, 'kubeconfig'), user), env: { CI: 'true' }, timeoutMs: 20_000 });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /enter the code \w+/);
    assert.match(res.stdout, /\bdefault\b/);
  });

  test('without a terminal and without a cached sign-in, kubectl fails fast with the plugin message', async () => {
    const res = await runKubectl(['get', 'namespaces'], { kubeconfig: kubeconfig(makeTempDir()), timeoutMs: 20_000 });
    assert.notEqual(res.code, 0);
    assert.equal(res.stdout, '');
    assert.match(res.stderr, /Error: failed to authenticate: DeviceCodeCredential: sign-in needs a person.*kubectl get nodes/);
    assert.ok(res.durationMs < 5000, `kubectl took ${res.durationMs} ms`);
    assert.equal(emu.count({ endpoint: 'devicecode' }), 0);
    assert.equal(api.requests.filter((r) => r.status === 200).length, 0);
  });
});
