// The cache key: what must separate two cache entries, and what must not (flags that do not change
// the principal). managed identity and azurecli tokens are cached too, so their keys matter.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lightParse } from '../../../src/cli/argv';
import { resolveTokenOptions } from '../../../src/cli/options';
import { cacheKey, identityFor } from '../../../src/cache/key';
import { makeTempDir } from '../../helpers/tmp';

function keyOf(argv: string[], env: Record<string, string> = {}): string {
  const parsed = lightParse(argv);
  assert.ok(parsed, argv.join(' '));
  const full = { HOME: '/home/u', ...env };
  return cacheKey(identityFor(resolveTokenOptions(parsed.flags, full).options, full));
}

const SPN = ['-l', 'spn', '--server-id', 'srv', '--client-id', 'app', '--tenant-id', 'ten'];

describe('cacheKey', () => {
  const differ: Array<[string, string[], string[], Record<string, string>?]> = [
    ['server id', SPN, [...SPN, '--server-id', 'other']],
    ['client id', SPN, [...SPN, '--client-id', 'other']],
    ['tenant', SPN, [...SPN, '--tenant-id', 'other']],
    ['login mode', SPN, [...SPN, '-l', 'workloadidentity']],
    ['authority host', SPN, [...SPN, '--authority-host', 'https://login.example/']],
    ['cloud', SPN, [...SPN, '--environment', 'AzureChinaCloud']],
    ['--legacy (v1 token)', SPN, [...SPN, '--legacy']],
    ['ropc user', ['-l', 'ropc', '--server-id', 's', '--username', 'a@x'], ['-l', 'ropc', '--server-id', 's', '--username', 'b@x']],
    ['interactive login hint', ['-l', 'interactive', '--server-id', 's', '--login-hint', 'a@x'], ['-l', 'interactive', '--server-id', 's', '--login-hint', 'b@x']],
    ['msi: system vs user-assigned', ['-l', 'msi', '--server-id', 's'], ['-l', 'msi', '--server-id', 's', '--client-id', 'mi']],
    ['msi: two user-assigned ids', ['-l', 'msi', '--server-id', 's', '--client-id', 'mi1'], ['-l', 'msi', '--server-id', 's', '--client-id', 'mi2']],
    ['msi: resource id', ['-l', 'msi', '--server-id', 's', '--identity-resource-id', '/a'], ['-l', 'msi', '--server-id', 's', '--identity-resource-id', '/b']],
    ['azurecli: subscription', ['-l', 'azurecli', '--server-id', 's'], ['-l', 'azurecli', '--server-id', 's', '-s', 'sub2']],
    ['azurepipelines: service connection', ['-l', 'azurepipelines', '--server-id', 's', '--azure-pipelines-service-connection-id', 'a'], ['-l', 'azurepipelines', '--server-id', 's', '--azure-pipelines-service-connection-id', 'b']],
  ];
  for (const [name, a, b] of differ) it(`separates by ${name}`, () => assert.notEqual(keyOf(a), keyOf(b)));

  const same: Array<[string, string[], string[]]> = [
    ['the secret (rotating it keeps the cached token)', [...SPN, '--client-secret', 'a'], [...SPN, '--client-secret', 'b']],
    ['--timeout and -v', SPN, [...SPN, '--timeout', '5s', '-v', '9']],
    ['case of ids and the username', [...SPN.slice(0, 4), '--client-id', 'APP', '--tenant-id', 'TEN'], SPN],
    ['a trailing slash on the server id', [...SPN.slice(0, 2), '--server-id', 'srv/', ...SPN.slice(4)], SPN],
    ['msi: tenant and authority (not used)', ['-l', 'msi', '--server-id', 's', '-t', 'a'], ['-l', 'msi', '--server-id', 's', '-t', 'b']],
  ];
  for (const [name, a, b] of same) it(`ignores ${name}`, () => assert.equal(keyOf(a), keyOf(b)));

  it('is 40 hex characters (a safe file name)', () => assert.match(keyOf(SPN), /^[0-9a-f]{40}$/));

  it('azurecli: `az login` as someone else or `az account set` changes the key', () => {
    const dir = makeTempDir();
    const profile = (user: string, sub: string) =>
      fs.writeFileSync(path.join(dir, 'azureProfile.json'), '\uFEFF' + JSON.stringify({ subscriptions: [{ id: sub, tenantId: 't', isDefault: true, user: { name: user } }, { id: 'other', isDefault: false }] }));
    const argv = ['-l', 'azurecli', '--server-id', 's'];
    const env = { AZURE_CONFIG_DIR: dir };
    profile('alice@x', 'sub1');
    const alice = keyOf(argv, env);
    assert.equal(keyOf(argv, env), alice, 'stable while nothing changes');
    profile('bob@x', 'sub1');
    const bob = keyOf(argv, env);
    profile('bob@x', 'sub2');
    const bob2 = keyOf(argv, env);
    assert.equal(new Set([alice, bob, bob2]).size, 3);
    fs.rmSync(path.join(dir, 'azureProfile.json'));
    assert.notEqual(keyOf(argv, env), alice, 'logged out');
  });
});
