// Demo: the real kubectl, this repo's bin/kubelogin (--login spn) and a fake AKS API server, all on loopback,
// with the Entra ID emulator behind them. Runs `kubectl get namespaces` twice (a token request, then a cache hit),
// then `kubelogin whoami` for both contexts of the kubeconfig (the spn, and a user with groups) and `kubelogin doctor`.
import fs from 'node:fs';
import path from 'node:path';
import { startEmulator, type Emulator } from '../test/emulator';
import { startApiServer, type ApiServer } from '../test/fake-apiserver';
import { execUser, writeKubeconfigContexts } from '../test/helpers/kubeconfig';
import { repoRoot } from '../test/helpers/paths';
import { runKubectl, runKubelogin, type RunResult } from '../test/helpers/run';
import { makeTempDir } from '../test/helpers/tmp';

const SERVER_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT_ID = 'b9f5e3a1-0c2d-4e5f-8a7b-6c5d4e3f2a1b';
const CLIENT_SECRET = 'demo-secret-not-real';
const PUBLIC_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const DEV = { username: 'dev@contoso.example', password: 'demo-password-not-real', groups: ['f2a5c3d1-7b8e-4f6a-9c0d-1e2f3a4b5c6d', '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f'] };

function fail(message: string, r?: RunResult): never {
  console.error(`\ndemo failed: ${message}`);
  if (r) {
    console.error(`kubectl exit code ${r.code}${r.timedOut ? ' (timed out)' : ''}`);
    if (r.stdout) console.error(`--- kubectl stdout ---\n${r.stdout}`);
    console.error(`--- kubectl stderr ---\n${r.stderr || '(empty)'}`);
  }
  process.exit(1);
}

async function getNamespaces(label: string, kubeconfig: string, home: string, emu: Emulator): Promise<void> {
  const before = emu.count({ endpoint: 'token' });
  const r = await runKubectl(['get', 'namespaces'], { kubeconfig, env: { HOME: home }, timeoutMs: 60_000 });
  const tokenRequests = emu.count({ endpoint: 'token' }) - before;
  console.log(`\n$ kubectl get namespaces   # ${label}: ${r.durationMs} ms, ${tokenRequests} token request(s)`);
  if (r.code !== 0) fail(`kubectl get namespaces (${label}) did not succeed`, r);
  process.stdout.write(r.stdout);
}

async function kubelogin(args: string[], kubeconfig: string, home: string): Promise<void> {
  const r = await runKubelogin([...args, '--kubeconfig', kubeconfig], { env: { HOME: home }, timeoutMs: 60_000 });
  console.log(`\n$ kubelogin ${args.join(' ')}`);
  if (r.code !== 0) fail(`kubelogin ${args[0]} did not succeed`, r);
  process.stdout.write(r.stdout);
}

async function main(): Promise<void> {
  if (!['kubelogin.cjs', 'start.cjs', 'main.cjs'].every((f) => fs.existsSync(path.join(repoRoot, 'dist', f)))) {
    fail('dist/ is not built: bin/kubelogin links to dist/kubelogin.cjs and needs the bundles. Run `npm run build` first.');
  }
  let emu: Emulator | undefined;
  let api: ApiServer | undefined;
  try {
    emu = await startEmulator();
    api = await startApiServer({ emulator: emu, audiences: [SERVER_ID] });
    emu.addApp({ clientId: CLIENT_ID, tenantId: TENANT_ID, secret: CLIENT_SECRET, roles: ['Deployer'] });
    emu.addApp({ clientId: PUBLIC_CLIENT_ID, tenantId: TENANT_ID, publicClient: true });
    emu.addUser({ ...DEV, tenantId: TENANT_ID });
    console.log(`Entra ID emulator  ${emu.url}`);
    console.log(`fake API server    ${api.url}`);

    const dir = makeTempDir('kubelogin-demo-');
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    const common = ['--server-id', SERVER_ID, '--tenant-id', TENANT_ID, '--authority-host', emu.authorityHost];
    const kubeconfig = writeKubeconfigContexts(path.join(dir, 'kubeconfig'), api.url, api.caPem, [
      { context: 'demo-aks', user: execUser(['get-token', '--login', 'spn', '--client-id', CLIENT_ID, ...common], { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: CLIENT_SECRET, NODE_EXTRA_CA_CERTS: emu.caFile }) },
      { context: 'demo-dev', user: execUser(['get-token', '--login', 'ropc', '--client-id', PUBLIC_CLIENT_ID, '--username', DEV.username, ...common], { AAD_USER_PRINCIPAL_PASSWORD: DEV.password, NODE_EXTRA_CA_CERTS: emu.caFile }) },
    ]);
    console.log(`kubeconfig         ${kubeconfig}`);

    await getNamespaces('first run', kubeconfig, home, emu);
    await getNamespaces('second run, cache hit', kubeconfig, home, emu);
    if (emu.count({ endpoint: 'token' }) !== 1) fail(`expected exactly 1 token request in total, saw ${emu.count({ endpoint: 'token' })}`);
    console.log('\nOK: one token request for two kubectl commands.');

    await kubelogin(['whoami', '--context', 'demo-aks'], kubeconfig, home);
    await kubelogin(['whoami', '--context', 'demo-dev'], kubeconfig, home);
    await kubelogin(['doctor'], kubeconfig, home);
  } finally {
    await api?.close();
    await emu?.close();
  }
}

main().catch((e) => fail(e instanceof Error ? e.message : String(e)));
