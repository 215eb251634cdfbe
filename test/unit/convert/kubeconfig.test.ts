// The pieces under the converter: reading old exec args, which files, parse errors, YAML output.
import assert from 'node:assert/strict';
import { delimiter, resolve } from 'node:path';
import { test } from 'node:test';
import { parseExecArgs } from '../../../src/kube/exec-args';
import { dumpKubeconfig, kubeconfigPaths, parseKubeconfig } from '../../../src/kube/kubeconfig';
import { sameYaml } from '../../../src/kube/kubeconfig-model';

test('old exec args are read the way get-token reads them', () => {
  const table: Array<[string[], Record<string, string | boolean>]> = [
    [['get-token', '--server-id', 's', '--legacy'], { 'server-id': 's', legacy: true }],
    [['--server-id=s=x', '-t', 't', '-e', 'e', '-l', 'spn'], { 'server-id': 's=x', 'tenant-id': 't', environment: 'e', login: 'spn' }],
    [['--legacy', 'get-token'], { legacy: true }],
    [['--legacy=false', '--pop-enabled=1', '--disable-environment-override=F'], { legacy: false, 'pop-enabled': true, 'disable-environment-override': false }],
    [['--tenant-id', 'a', '--tenant-id', 'b'], { 'tenant-id': 'b' }],
    [['--login-hint', '--not-a-flag'], { 'login-hint': '--not-a-flag' }],
    [['--tenant-id'], {}],
    [['--', '--tenant-id', 't'], {}],
  ];
  for (const [args, want] of table) assert.deepStrictEqual(Object.fromEntries(parseExecArgs(args).byName), want, args.join(' '));
});

test('which files: --kubeconfig, else every KUBECONFIG entry once, else ~/.kube/config', () => {
  assert.deepStrictEqual(kubeconfigPaths({ explicit: 'a/config', kubeconfigEnv: '/x', home: '/h' }), [resolve('a/config')]);
  assert.deepStrictEqual(kubeconfigPaths({ kubeconfigEnv: ['/x', '', '/y', '/x'].join(delimiter), home: '/h' }), ['/x', '/y']);
  assert.deepStrictEqual(kubeconfigPaths({ kubeconfigEnv: '', home: '/h' }), ['/h/.kube/config']);
});

test('parse errors are one line naming the file, line and column', () => {
  const table: Array<[string, RegExp]> = [
    ['users: [\n  - name: a\n', /^unable to load kubeconfig: \/k: .+ at line \d+, column \d+; fix the YAML and run again$/],
    ['a: 1\na: 2\n', /^unable to load kubeconfig: \/k: duplicated mapping key at line 2, column 1; fix the YAML and run again$/],
    ['- just\n- a list\n', /^unable to load kubeconfig: \/k: the document is not a mapping/],
    ['users: {a: 1}\n', /^unable to load kubeconfig: \/k: "users" is not a list/],
  ];
  for (const [text, want] of table) {
    assert.throws(() => parseKubeconfig(text, '/k'), (err: Error) => want.test(err.message) && !err.message.includes('\n'), text);
  }
  assert.deepStrictEqual(parseKubeconfig('', '/k'), {});
});

test('values keep their types: no timestamps, strings that look like numbers stay strings', () => {
  const doc = parseKubeconfig("a: 2024-01-02\nb: '1'\nc: 1\nd: yes\n", '/k');
  assert.deepStrictEqual(doc, { a: '2024-01-02', b: '1', c: 1, d: 'yes' });
  assert.deepStrictEqual(parseKubeconfig(dumpKubeconfig(doc), '/k'), doc);
});

test('output: lists indented like the original, flags unquoted, keys in loaded order', () => {
  const doc = { users: [{ name: 'u', user: { exec: { args: ['get-token', '--login', 'spn', '--pop-claims', 'u=x, 1=2'], command: 'kubelogin' } } }], kind: 'Config' };
  assert.equal(dumpKubeconfig(doc), 'users:\n- name: u\n  user:\n    exec:\n      args:\n      - get-token\n      - --login\n      - spn\n      - --pop-claims\n      - u=x, 1=2\n      command: kubelogin\nkind: Config\n');
  assert.match(dumpKubeconfig(doc, 'users:\n  - name: u\n'), /^users:\n {2}- name: u\n/);
});

test('unquoting never changes a value inside a block scalar', () => {
  const doc = { installHint: "first line\n- '--flag'\nlast line\n", args: ['--x'] };
  assert.deepStrictEqual(parseKubeconfig(dumpKubeconfig(doc), '/k'), doc);
});

test('sameYaml: map key order does not count, list order does', () => {
  assert.ok(sameYaml({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }));
  assert.ok(!sameYaml({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!sameYaml({ a: 1 }, { a: 1, b: null }));
  assert.ok(!sameYaml({ a: '1' }, { a: 1 }));
});
