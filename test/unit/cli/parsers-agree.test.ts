// The cache-hit parser (src/cli/argv.ts) and the yargs parser (src/cli/parse.ts) must read every
// command line the same way, or a hit could serve a different identity than a miss would.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quickParse } from '../../../src/cli/argv';
import { parseCommandLine } from '../../../src/cli/parse';
import { resolveTokenOptions } from '../../../src/cli/options';

const table: string[][] = [
  ['--server-id', 'sid', '--login', 'spn', '--client-id', 'c', '--tenant-id', 't'],
  ['--server-id=sid', '-l', 'msi', '--identity-resource-id', '/subscriptions/x/rg/y'],
  ['--server-id', 'sid', '-l=azurecli', '-t', 'tid', '-s', 'sub'],
  ['--server-id', 'sid', '--cache-dir', '/a', '--token-cache-dir', '/b'],
  ['--server-id', 'sid', '--token-cache-dir', '/b', '--cache-dir', '/a'],
  ['--server-id', 'sid', '--legacy', '--environment', 'AzureChinaCloud'],
  ['--server-id', 'sid', '--legacy=false', '--use-azurerm-env-vars=true'],
  ['--server-id', 'sid', '--timeout', '90s', '-v', '5'],
  ['--server-id', 'sid', '--v=9', '--logtostderr'],
  ['--server-id', 'sid', '--client-id', 'c', '--client-id', 'd'],
  ['--server-id', 'sid', '--authority-host', 'https://127.0.0.1:1/', '--disable-instance-discovery'],
  ['--server-id', 'sid', '--redirect-url', 'http://localhost:8400', '--login-hint', 'a@b.c', '-l', 'interactive'],
  ['--server-id', 'sid', '--password=--dash-leading', '--username', 'u'],
  ['--server-id', 'sid', '--force-refresh', '-l', 'spn'],
  ['--server-id', 'sid', '--force-refresh=false'],
  ['--force-refresh=true', '--server-id', 'sid', '--force-refresh=false'],
];

for (const argv of table) {
  test(`parsers agree: ${argv.join(' ')}`, async () => {
    const quick = quickParse(argv);
    assert.ok(quick);
    const full = await parseCommandLine(['get-token', ...argv], '');
    assert.equal(full.command, 'get-token');
    assert.equal(full.verbosity, quick.verbosity);
    const env = { HOME: '/h' };
    assert.deepEqual(resolveTokenOptions(full.flags, env), resolveTokenOptions(quick.flags, env));
  });
}

test('both parsers read --force-refresh into the options', async () => {
  const argv = ['--server-id', 'sid', '--force-refresh'];
  const full = await parseCommandLine(['get-token', ...argv], '');
  assert.equal(resolveTokenOptions(full.flags, {}).options.forceRefresh, true);
  assert.equal(resolveTokenOptions(quickParse(argv)!.flags, {}).options.forceRefresh, true);
});

test('hit parser declines what it does not know, so the full parser can report it', () => {
  for (const argv of [['--help'], ['--bogus'], ['--password', '-x'], ['extra'], ['--server-id'], ['--legacy=maybe'], ['-x', '1']]) {
    assert.equal(quickParse(argv), undefined, argv.join(' '));
  }
});
