// Issue 10, point 2: every file bin/kubelogin reads is read only if it is a regular file and small
// enough. /dev/zero, a FIFO nobody writes, a huge file or a "billion laughs" kubeconfig: one error line,
// exit 1, no file changed, and no hang (the runs are killed after 10 s; before the fix they hung or grew
// to gigabytes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { oneErrorLine } from '../helpers/assert';
import { FakeCli } from '../helpers/fake-az';
import { readPemFile } from '../../src/platform/trust';
import { runKubelogin, type EnvPatch } from '../helpers/run';
import { azureProviderKubeconfig } from '../helpers/kubeconfig';
import { makeTempDir } from '../helpers/tmp';

const S = '6dae42f8-4368-4678-94ff-3960e28e3630';
const C = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';
const T = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const KILL_AFTER_MS = 10_000;

function fifo(dir: string, name = 'fifo'): string {
  const file = path.join(dir, name);
  execFileSync('mkfifo', [file]);
  return file;
}

function sparse(dir: string, bytes: number): string {
  const file = path.join(dir, 'huge');
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, bytes);
  return file;
}

/**
 * Every file under dir with its mode and content (folders aside: the cache folder may appear), to
 * show that a failed run changed nothing.
 */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    const content = () => (st.size > 1024 * 1024 ? `${st.size} bytes, mtime ${st.mtimeMs}` : fs.readFileSync(p, 'base64'));
    if (!st.isDirectory()) out[name] = st.isFile() ? `${st.mode.toString(8)}:${content()}` : st.isFIFO() ? 'fifo' : 'other';
  }
  return out;
}

async function fails(args: string[], env: EnvPatch, watched: string, want: RegExp): Promise<void> {
  const before = snapshot(watched);
  const r = await runKubelogin(args, { env, timeoutMs: KILL_AFTER_MS });
  assert.equal(r.timedOut, false, `still running after ${KILL_AFTER_MS} ms`);
  assert.match(oneErrorLine(r), want);
  assert.deepEqual(snapshot(watched), before, 'no file changed');
}

describe('bounded reads: get-token', () => {
  const spn = (dir: string, cert: string) => ['get-token', '--login', 'spn', '--server-id', S, '--client-id', C, '--tenant-id', T, '--cache-dir', path.join(dir, 'cache'), '--client-certificate', cert];

  const certificates: Array<[string, (dir: string) => string, RegExp]> = [
    ['/dev/zero', () => '/dev/zero', /certificate file \(\/dev\/zero\): is not a regular file \(a character device\); check --client-certificate/],
    ['a FIFO', (d) => fifo(d), /certificate file \(.*fifo\): is not a regular file \(a FIFO\)/],
    ['a 3 GiB file', (d) => sparse(d, 3 * 1024 ** 3), /certificate file \(.*huge\): is larger than 1 MiB/],
    ['a folder', (d) => d, /is not a regular file \(a directory\)/],
  ];
  for (const [name, make, want] of certificates) {
    it(`--client-certificate ${name}`, async () => {
      const dir = makeTempDir('kubelogin-bounded-');
      await fails(spn(dir, make(dir)), {}, dir, want);
    });
  }

  it('AZURE_CLIENT_CERTIFICATE_PATH=/dev/zero (the env spelling reads the same way)', async () => {
    const dir = makeTempDir('kubelogin-bounded-');
    const args = ['get-token', '--login', 'spn', '--server-id', S, '--client-id', C, '--tenant-id', T, '--cache-dir', path.join(dir, 'cache')];
    await fails(args, { AZURE_CLIENT_CERTIFICATE_PATH: '/dev/zero' }, dir, /certificate file \(\/dev\/zero\): is not a regular file/);
  });

  const tokenFiles: Array<[string, (dir: string) => string, RegExp]> = [
    ['/dev/zero', () => '/dev/zero', /federated token file \(\/dev\/zero\): is not a regular file \(a character device\)/],
    ['a FIFO', (d) => fifo(d), /federated token file \(.*fifo\): is not a regular file \(a FIFO\)/],
    ['a 3 GiB file', (d) => sparse(d, 3 * 1024 ** 3), /federated token file \(.*huge\): is larger than 64 KiB/],
  ];
  for (const [name, make, want] of tokenFiles) {
    it(`workloadidentity with AZURE_FEDERATED_TOKEN_FILE ${name}`, async () => {
      const dir = makeTempDir('kubelogin-bounded-');
      const env = { AZURE_CLIENT_ID: C, AZURE_TENANT_ID: T, AZURE_FEDERATED_TOKEN_FILE: make(dir), AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9/' };
      await fails(['get-token', '--login', 'workloadidentity', '--server-id', S, '--cache-dir', path.join(dir, 'cache')], env, dir, want);
    });
  }

  const profiles: Array<[string, (file: string) => void, RegExp]> = [
    ['a symlink to /dev/zero', (f) => fs.symlinkSync('/dev/zero', f), /Azure CLI profile: .*azureProfile\.json is not a regular file \(a character device\); point AZURE_CONFIG_DIR/],
    ['a FIFO', (f) => execFileSync('mkfifo', [f]), /azureProfile\.json is not a regular file \(a FIFO\)/],
  ];
  for (const [name, make, want] of profiles) {
    it(`azurecli with azureProfile.json ${name}`, async () => {
      const dir = makeTempDir('kubelogin-bounded-');
      const fake = new FakeCli(dir);
      make(path.join(fake.azureConfigDir, 'azureProfile.json'));
      await fails(['get-token', '--login', 'azurecli', '--server-id', S, '--cache-dir', path.join(dir, 'cache')], fake.env(), dir, want);
      assert.deepEqual(fake.calls('az'), [], 'az was not run');
    });
  }
});

// Nine aliases of nine aliases, nine levels deep: 9^9 (387 million) strings once expanded.
const BILLION_LAUGHS = [
  'apiVersion: v1',
  'kind: Config',
  'lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
  ...Array.from({ length: 9 }, (_, i) => `lol${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`),
  'users:',
  '- name: aks',
  '  user:',
  '    auth-provider:',
  '      name: azure',
  `      config: {apiserver-id: ${S}, client-id: ${C}, tenant-id: ${T}, laughs: *l9}`,
  '',
].join('\n');

const AZURE_USER = (name: string) => azureProviderKubeconfig(name, { serverId: S, clientId: C, tenantId: T });

describe('bounded reads: kubeconfig', () => {
  const convert = (...args: string[]) => ['convert-kubeconfig', '--login', 'azurecli', ...args];

  const explicit: Array<[string, (dir: string) => string, RegExp]> = [
    ['/dev/zero', () => '/dev/zero', /unable to load kubeconfig: \/dev\/zero is not a regular file \(a character device\); pass an existing, readable kubeconfig file/],
    ['a FIFO', (d) => fifo(d), /unable to load kubeconfig: .*fifo is not a regular file \(a FIFO\)/],
    ['a 3 GiB file', (d) => sparse(d, 3 * 1024 ** 3), /unable to load kubeconfig: .*huge is larger than 16 MiB/],
    ['a "billion laughs" document', (d) => (fs.writeFileSync(path.join(d, 'laughs'), BILLION_LAUGHS), path.join(d, 'laughs')), /unable to load kubeconfig: .*laughs: YAML aliases expand to more than 1000000 nodes/],
    ['an anchor that contains itself', (d) => (fs.writeFileSync(path.join(d, 'loop'), `${AZURE_USER('aks')}loop: &x [*x]\n`), path.join(d, 'loop')), /YAML aliases expand to more than/],
  ];
  for (const [name, make, want] of explicit) {
    it(`convert-kubeconfig --kubeconfig ${name}`, async () => {
      const dir = makeTempDir('kubelogin-bounded-');
      await fails(convert('--kubeconfig', make(dir)), {}, dir, want);
    });
  }

  it('KUBECONFIG listing /dev/zero beside a good file changes neither', async () => {
    const dir = makeTempDir('kubelogin-bounded-');
    fs.writeFileSync(path.join(dir, 'config'), AZURE_USER('aks'));
    await fails(convert(), { KUBECONFIG: [path.join(dir, 'config'), '/dev/zero'].join(path.delimiter) }, dir, /\/dev\/zero is not a regular file/);
  });

  it('remove-tokens --context reads the kubeconfig the same way', async () => {
    const dir = makeTempDir('kubelogin-bounded-');
    await fails(['remove-tokens', '--context', 'aks', '--kubeconfig', fifo(dir), '--cache-dir', path.join(dir, 'cache')], {}, dir, /fifo is not a regular file \(a FIFO\)/);
  });

  it('a kubeconfig with a few harmless aliases still converts', async () => {
    const dir = makeTempDir('kubelogin-bounded-');
    const file = path.join(dir, 'config');
    fs.writeFileSync(file, `${AZURE_USER('aks')}preferences: &p {colors: true}\nextensions: [*p, *p]\n`);
    const r = await runKubelogin(convert('--kubeconfig', file), { timeoutMs: KILL_AFTER_MS });
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(file, 'utf8'), /- azurecli/);
  });
});

describe('bounded reads: doctor and the trust store', () => {
  it('doctor with NODE_EXTRA_CA_CERTS=/dev/zero names it and finishes (it used to read for ever)', async () => {
    const dir = makeTempDir('kubelogin-bounded-');
    const kubeconfig = path.join(dir, 'config');
    fs.writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
current-context: c
clusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
users:
- name: u
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --login, spn, --server-id, ${S}, --client-id, ${C}, --tenant-id, ${T}, --authority-host, "https://127.0.0.1:9/", --cache-dir, ${path.join(dir, 'cache')}]
`);
    const r = await runKubelogin(['doctor', '--kubeconfig', kubeconfig], { env: { NODE_EXTRA_CA_CERTS: '/dev/zero', AZURE_CLIENT_SECRET: 'doctor-secret-value' }, timeoutMs: KILL_AFTER_MS });
    assert.equal(r.timedOut, false, `still running after ${KILL_AFTER_MS} ms`);
    assert.match(r.stdout + r.stderr, /NODE_EXTRA_CA_CERTS=\/dev\/zero cannot be read \(is not a regular file \(a character device\)\)/);
  });

  it('an SSL_CERT_FILE or SSL_CERT_DIR entry that is a FIFO or /dev/zero is not read', () => {
    const dir = makeTempDir('kubelogin-bounded-');
    assert.equal(readPemFile(fifo(dir)), undefined);
    assert.equal(readPemFile('/dev/zero'), undefined);
    assert.equal(readPemFile(sparse(dir, 3 * 1024 ** 3)), undefined);
  });
});
