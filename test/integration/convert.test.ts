// bin/kubelogin convert-kubeconfig on real files: which file each user is written to, what is left
// alone, atomic no-op re-runs, file mode, --dry-run, and the one-line errors that change nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { oneErrorLine } from '../helpers/assert';
import { runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const S = '6dae42f8-4368-4678-94ff-3960e28e3630';
const C = '80faf920-1908-4b52-b5ef-a8e7bedfc67a';
const T = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';

// Hand-written, kubectl-style, with keys in an order no serialiser would pick.
const FILE_A = `# written by hand
kind: Config
apiVersion: v1
current-context: aks1
users:
- name: aks1
  user:
    auth-provider:
      name: azure
      config:
        apiserver-id: ${S}
        client-id: ${C}
        tenant-id: ${T}
        config-mode: "1"
        access-token: cached-access-token
- name: eks
  user:
    exec:
      command: aws
      args: [eks, get-token, --cluster-name, c1]
      apiVersion: client.authentication.k8s.io/v1beta1
contexts:
- name: aks1
  context: {user: aks1, cluster: aks1}
- name: eks
  context: {user: eks, cluster: eks}
clusters:
- name: aks1
  cluster: {server: "https://aks1.example:443"}
- name: eks
  cluster: {server: "https://eks.example:443"}
`;

const FILE_B = `apiVersion: v1
kind: Config
contexts:
- name: aks2
  context: {cluster: aks2, user: aks2}
users:
- name: aks1
  user:
    auth-provider: {name: azure, config: {apiserver-id: other-server, client-id: other-client, tenant-id: other-tenant}}
- name: aks2
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: /usr/local/bin/kubelogin
      args: [get-token, --environment, AzurePublicCloud, --server-id, ${S}, --client-id, ${C}, --tenant-id, ${T}, --login, devicecode]
      installHint: install kubelogin from the company portal
`;

function setup(files: Record<string, string>, mode = 0o600): { dir: string; paths: Record<string, string> } {
  const dir = makeTempDir('kubelogin-convert-');
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = path.join(dir, name);
    fs.writeFileSync(paths[name], text, { mode });
    fs.chmodSync(paths[name], mode);
  }
  return { dir, paths };
}

const load = (file: string) => yaml.load(fs.readFileSync(file, 'utf8')) as Record<string, any>;
const userOf = (file: string, name: string) => load(file).users.find((u: { name: string }) => u.name === name).user;
const age = (file: string) => fs.utimesSync(file, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
const snapshot = (file: string) => ({ text: fs.readFileSync(file, 'utf8'), mtimeMs: fs.statSync(file).mtimeMs, ino: fs.statSync(file).ino });

describe('convert-kubeconfig on files', () => {
  it('KUBECONFIG with two files: each user goes back to the file that defines it first; the rest is kept', async () => {
    const { dir, paths } = setup({ a: FILE_A, b: FILE_B });
    const r = await runKubelogin(['convert-kubeconfig', '-l', 'azurecli'], { env: { KUBECONFIG: [paths.a, paths.b].join(path.delimiter) } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');

    const a = load(paths.a);
    assert.deepEqual(Object.keys(a), ['kind', 'apiVersion', 'current-context', 'users', 'contexts', 'clusters']);
    assert.deepEqual(userOf(paths.a, 'aks1'), {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1', args: ['get-token', '--login', 'azurecli', '--server-id', S], command: 'kubelogin', env: null,
        installHint: '\nkubelogin is not installed which is required to connect to AAD enabled cluster.\n\nTo learn more, please go to https://azure.github.io/kubelogin/\n',
        provideClusterInfo: false,
      },
    });
    // The other exec user keeps its keys, their order, and gets no defaults.
    assert.deepEqual(Object.keys(userOf(paths.a, 'eks').exec), ['command', 'args', 'apiVersion']);
    assert.deepEqual(a.contexts[0], { name: 'aks1', context: { user: 'aks1', cluster: 'aks1' } });
    assert.deepEqual(Object.keys(a.contexts[0].context), ['user', 'cluster']);

    // aks1 is defined by file a first: file b's aks1 stays as it was; b's aks2 is converted there.
    assert.equal(userOf(paths.b, 'aks1')['auth-provider'].name, 'azure');
    assert.deepEqual(userOf(paths.b, 'aks2').exec.args, ['get-token', '--login', 'azurecli', '--server-id', S]);
    assert.equal(userOf(paths.b, 'aks2').exec.command, 'kubelogin');
    assert.equal(userOf(paths.b, 'aks2').exec.installHint, 'install kubelogin from the company portal');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a', 'b'], 'no temp or lock files left behind');
  });

  it('--context converts only the user of that context', async () => {
    const { paths } = setup({ a: FILE_A, b: FILE_B });
    const before = snapshot(paths.a);
    const r = await runKubelogin(['convert-kubeconfig', '-l', 'azurecli', '--context', 'aks2'], { env: { KUBECONFIG: [paths.a, paths.b].join(path.delimiter) } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(snapshot(paths.a), before, 'file a has no user of context aks2');
    assert.equal(userOf(paths.b, 'aks2').exec.args[2], 'azurecli');
    assert.equal(userOf(paths.b, 'aks1')['auth-provider'].name, 'azure');
  });

  it('a second run is a no-op: the file is not rewritten (same inode, same mtime)', async () => {
    const { paths } = setup({ a: FILE_A });
    const args = ['convert-kubeconfig', '--kubeconfig', paths.a, '-l', 'spn', '--client-id', C];
    assert.equal((await runKubelogin(args)).code, 0);
    age(paths.a);
    const first = snapshot(paths.a);
    const again = await runKubelogin(args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(snapshot(paths.a), first);
  });

  it('keeps the file mode, follows a symlink, and writes a new inode (atomic rename)', async () => {
    const { dir, paths } = setup({ a: FILE_A }, 0o640);
    const link = path.join(dir, 'config-link');
    fs.symlinkSync(paths.a, link);
    const inode = fs.statSync(paths.a).ino;
    const r = await runKubelogin(['convert-kubeconfig', '--kubeconfig', link, '-l', 'azurecli']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the symlink is still a symlink');
    assert.equal(fs.statSync(paths.a).mode & 0o777, 0o640);
    assert.notEqual(fs.statSync(paths.a).ino, inode);
    assert.equal(userOf(paths.a, 'aks1').exec.args[2], 'azurecli');
  });

  it('the default file is ~/.kube/config', async () => {
    const home = makeTempDir('kubelogin-home-');
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), FILE_A, { mode: 0o600 });
    const r = await runKubelogin(['convert-kubeconfig', '-l', 'msi'], { env: { HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(userOf(path.join(home, '.kube', 'config'), 'aks1').exec.args, ['get-token', '--login', 'msi', '--server-id', S]);
  });

  it('--dry-run prints the converted file and changes nothing; secrets given as flags are redacted', async () => {
    const { paths } = setup({ a: FILE_A });
    age(paths.a);
    const before = snapshot(paths.a);
    const r = await runKubelogin(['convert-kubeconfig', '--kubeconfig', paths.a, '-l', 'spn', '--client-secret', 'dry-run-secret-value', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(snapshot(paths.a), before);
    const printed = yaml.load(r.stdout) as Record<string, any>;
    assert.deepEqual(printed.users[0].user.exec.args, ['get-token', '--login', 'spn', '--server-id', S, '--client-id', C, '--tenant-id', T, '--client-secret', '[REDACTED]']);
    assert.deepEqual(printed.users[1], load(paths.a).users[1]);
    assert.ok(!r.stdout.includes('dry-run-secret-value') && !r.stderr.includes('dry-run-secret-value'));
  });

  it('--dry-run with several files prints each changed file under a "# <path>" line', async () => {
    const { paths } = setup({ a: FILE_A, b: FILE_B });
    const r = await runKubelogin(['convert-kubeconfig', '-l', 'azd', '--dry-run'], { env: { KUBECONFIG: [paths.a, paths.b].join(path.delimiter) } });
    assert.equal(r.code, 0, r.stderr);
    const docs = yaml.loadAll(r.stdout) as Array<Record<string, any>>;
    assert.equal(docs.length, 2);
    assert.ok(r.stdout.startsWith(`# ${paths.a}\n`) && r.stdout.includes(`---\n# ${paths.b}\n`));
    assert.equal(docs[1].users[1].user.exec.args[2], 'azd');
    assert.equal(load(paths.b).users[1].user.exec.command, '/usr/local/bin/kubelogin', 'nothing written');
  });

  it('writing a secret into the file warns on stderr without showing it', async () => {
    const { paths } = setup({ a: FILE_A });
    const r = await runKubelogin(['convert-kubeconfig', '--kubeconfig', paths.a, '-l', 'spn', '--client-secret', 'written-secret-value']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^warning: --client-secret now stored in plain text in /);
    assert.ok(!r.stderr.includes('written-secret-value'));
    assert.ok(userOf(paths.a, 'aks1').exec.args.includes('written-secret-value'));
  });

  const failures: Array<{ name: string; files: Record<string, string>; args: (p: Record<string, string>) => string[]; want: RegExp }> = [
    { name: 'malformed YAML', files: { a: FILE_A.replace('users:\n', 'users:\n  - [\n') }, args: (p) => ['--kubeconfig', p.a], want: /^Error: unable to load kubeconfig: .*\/a: .* at line \d+, column \d+; fix the YAML and run again$/ },
    { name: 'a file that does not exist', files: {}, args: (p) => ['--kubeconfig', path.join(p.dir, 'missing')], want: /^Error: unable to load kubeconfig: .*\/missing: no such file; pass an existing, readable kubeconfig file$/ },
    { name: 'no kubeconfig at all', files: {}, args: () => [], want: /^Error: unable to load kubeconfig: no file found at .*\.kube\/config; pass --kubeconfig <file> or set KUBECONFIG$/ },
    { name: 'an unknown context', files: { a: FILE_A }, args: (p) => ['--kubeconfig', p.a, '--context', 'nope'], want: /^Error: no context exists with the name: "nope"/ },
    { name: 'a missing server id in one user of two', files: { a: FILE_A.replace(`apiserver-id: ${S}`, 'apiserver-id: ""') }, args: (p) => ['--kubeconfig', p.a], want: /^Error: --server-id is required \(kubeconfig user "aks1"\); pass --server-id/ },
    { name: 'an unknown login method', files: { a: FILE_A }, args: (p) => ['--kubeconfig', p.a, '-l', 'magic'], want: /^Error: 'magic' is not a supported login method/ },
  ];
  for (const f of failures) {
    it(`${f.name}: one-line error, exit 1, nothing written`, async () => {
      const { dir, paths } = setup(f.files);
      const before = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, snapshot(p)]));
      const r = await runKubelogin(['convert-kubeconfig', ...f.args({ ...paths, dir })]);
      assert.match(oneErrorLine(r), f.want);
      for (const [k, p] of Object.entries(paths)) assert.deepEqual(snapshot(p), before[k]);
      assert.deepEqual(fs.readdirSync(dir).sort(), Object.keys(f.files).sort());
    });
  }

  it('an error in the second file writes neither file', async () => {
    const { paths } = setup({ a: FILE_A, b: FILE_B.replace(`--server-id, ${S}, `, '') });
    const before = [snapshot(paths.a), snapshot(paths.b)];
    const r = await runKubelogin(['convert-kubeconfig', '-l', 'azurecli'], { env: { KUBECONFIG: [paths.a, paths.b].join(path.delimiter) } });
    assert.match(oneErrorLine(r), /^Error: --server-id is required \(kubeconfig user "aks2"\)/);
    assert.deepEqual([snapshot(paths.a), snapshot(paths.b)], before);
  });

  it('a kubeconfig locked by kubectl (<file>.lock) is not written', async () => {
    const { paths } = setup({ a: FILE_A });
    fs.writeFileSync(`${paths.a}.lock`, '');
    const before = snapshot(paths.a);
    const r = await runKubelogin(['convert-kubeconfig', '--kubeconfig', paths.a, '-l', 'azurecli']);
    assert.match(oneErrorLine(r), /^Error: unable to lock kubeconfig: .*a\.lock exists/);
    assert.deepEqual(snapshot(paths.a), before);
    assert.ok(fs.existsSync(`${paths.a}.lock`), 'someone else\'s lock is left alone');
  });
});
