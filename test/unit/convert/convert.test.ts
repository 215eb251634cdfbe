// The golden table: cases/<name>/{input.yaml | input.N.yaml, args.json, env.json?, expected.yaml | expected.N.yaml | error.txt}.
// Each case runs the real flag parser and env step, then the pure converter, and compares documents
// (lists in order, so argument order counts). Every case is also converted a second time: a no-op.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveTokenOptions, validateTokenOptions } from '../../../src/cli/options';
import { parseCommandLine } from '../../../src/cli/parse';
import { convertRequest } from '../../../src/commands/convert-kubeconfig';
import { convertKubeconfigs, convertUser, type ConvertRequest } from '../../../src/kube/convert';
import { parseKubeconfig, type YamlMap } from '../../../src/kube/kubeconfig';

const CASES = join(__dirname, 'cases');

interface Case {
  name: string;
  inputs: YamlMap[];
  args: string[];
  env: Record<string, string>;
  expected?: YamlMap[];
  error?: string;
}

function numbered(dir: string, stem: string): string[] {
  if (existsSync(join(dir, `${stem}.yaml`))) return [join(dir, `${stem}.yaml`)];
  return readdirSync(dir).filter((f) => new RegExp(`^${stem}\\.\\d+\\.yaml$`).test(f)).sort().map((f) => join(dir, f));
}

function loadCase(name: string): Case {
  const dir = join(CASES, name);
  const yamlFiles = (stem: string) => numbered(dir, stem).map((f) => parseKubeconfig(readFileSync(f, 'utf8'), f));
  const optional = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined);
  const error = optional('error.txt')?.trim();
  return {
    name,
    inputs: yamlFiles('input'),
    args: JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')),
    env: JSON.parse(optional('env.json') ?? '{}'),
    expected: error === undefined ? yamlFiles('expected') : undefined,
    error,
  };
}

/** argv + env → the converter's request, through the same steps as `kubelogin convert-kubeconfig`. */
async function requestFor(args: string[], env: Record<string, string>): Promise<ConvertRequest> {
  const parsed = await parseCommandLine(['convert-kubeconfig', ...args], '');
  const { options, setFlags } = resolveTokenOptions(parsed.flags, { HOME: '/home/test', ...env });
  validateTokenOptions(options);
  const flag = (name: string) => parsed.flags.filter(([n]) => n === name).map(([, v]) => String(v)).pop();
  return convertRequest({ options, setFlags, context: flag('context'), azureConfigDir: flag('azure-config-dir') });
}

const cases = readdirSync(CASES).sort().map(loadCase);

test('the golden table has cases for every login mode', () => {
  const modes = new Set(cases.flatMap((c) => c.expected ?? []).flatMap((doc) => JSON.stringify(doc).match(/"--login","\w+"/g) ?? []));
  for (const mode of ['devicecode', 'interactive', 'spn', 'ropc', 'msi', 'azurecli', 'azd', 'workloadidentity', 'azurepipelines']) {
    assert.ok(modes.has(`"--login","${mode}"`), `no case converts to ${mode}`);
  }
});

for (const c of cases) {
  test(`convert: ${c.name}`, async () => {
    const request = await requestFor(c.args, c.env);
    if (c.error !== undefined) {
      assert.throws(() => convertKubeconfigs(c.inputs, request), (err: Error) => {
        assert.equal(err.message, c.error);
        return true;
      });
      return;
    }
    const out = convertKubeconfigs(c.inputs, request);
    assert.deepStrictEqual(out, c.expected);
    assert.deepStrictEqual(convertKubeconfigs(out, request), c.expected, 'a second run changes nothing');
  });
}

test('the exec entry takes the place of the auth-provider; the user entry keeps its other keys in order', () => {
  const user = { 'client-key-data': 'x', 'auth-provider': { name: 'azure', config: { 'apiserver-id': 's', 'config-mode': '1' } }, username: 'u' };
  const out = convertUser('u1', user, { login: 'azurecli', flags: new Map() });
  assert.deepEqual(Object.keys(out!), ['client-key-data', 'exec', 'username']);
  assert.deepEqual(Object.keys(out!.exec as object), ['apiVersion', 'args', 'command', 'env', 'installHint', 'provideClusterInfo']);
  assert.equal(convertUser('u2', { exec: { command: 'kubectl-oidc_login', args: [] } }, { login: 'azurecli', flags: new Map() }), undefined);
});
