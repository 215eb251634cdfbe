// The light parser (src/cli/argv.ts), the yargs parser (src/cli/parse.ts) and the kubeconfig exec
// args reader (src/kube/exec-args.ts) must read every command line the same way, or a hit could serve
// a different identity than a miss would, and remove-tokens --context could miss the entry get-token wrote.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lightParse } from '../../../src/cli/argv';
import { TOKEN_FLAGS } from '../../../src/cli/flags';
import { parseCommandLine } from '../../../src/cli/parse';
import { resolveTokenOptions, type TokenOptions } from '../../../src/cli/options';
import { parseExecArgs } from '../../../src/kube/exec-args';

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
  ['--server-id', 'sid', '--legacy=1', '--pop-enabled=F', '--disable-instance-discovery=True'],
  ['--server-id', 'sid', '-e', 'AzureUSGovernmentCloud', '--use-azurerm-env-vars=t'],
];

for (const argv of table) {
  test(`parsers agree: ${argv.join(' ')}`, async () => {
    const quick = lightParse(argv);
    assert.ok(quick);
    const full = await parseCommandLine(['get-token', ...argv], '');
    assert.equal(full.command, 'get-token');
    assert.equal(full.verbosity, quick.verbosity);
    const env = { HOME: '/h' };
    assert.deepEqual(resolveTokenOptions(full.flags, env), resolveTokenOptions(quick.flags, env));
    assert.deepEqual(resolveTokenOptions(parseExecArgs(argv).flags, env), resolveTokenOptions(quick.flags, env), 'exec args');
  });
}

test('both parsers read --force-refresh into the options', async () => {
  const argv = ['--server-id', 'sid', '--force-refresh'];
  const full = await parseCommandLine(['get-token', ...argv], '');
  assert.equal(resolveTokenOptions(full.flags, {}).options.forceRefresh, true);
  assert.equal(resolveTokenOptions(lightParse(argv)!.flags, {}).options.forceRefresh, true);
});

test('a boolean written as pflag reads it (strconv.ParseBool) means the same to all three', async () => {
  for (const [text, want] of [['1', true], ['t', true], ['TRUE', true], ['0', false], ['F', false], ['False', false]] as const) {
    const argv = ['--server-id', 'sid', `--legacy=${text}`];
    const full = await parseCommandLine(['get-token', ...argv], '');
    for (const flags of [lightParse(argv)!.flags, full.flags, parseExecArgs(argv).flags]) {
      assert.equal(resolveTokenOptions(flags, {}).options.legacy, want, text);
    }
  }
  await assert.rejects(parseCommandLine(['get-token', '--legacy=maybe'], ''), /invalid argument "maybe" for "--legacy" flag/);
});

test('every row of the flags table sets its option (a flag is never parsed and dropped)', () => {
  for (const flag of TOKEN_FLAGS) {
    const value = flag.type === 'boolean' ? true : flag.type === 'duration' ? '17s' : flag.name === 'login' ? 'spn' : `v-${flag.name}`;
    const argv = flag.type === 'boolean' ? [`--${flag.name}`] : [`--${flag.name}`, String(value)];
    const parsed = lightParse(argv);
    assert.ok(parsed, flag.name);
    const o = resolveTokenOptions(parsed.flags, { HOME: '/h' }).options;
    const want: TokenOptions[keyof TokenOptions] = flag.type === 'duration' ? 17_000 : value;
    assert.deepEqual(o[flag.field], want, flag.name);
  }
});

test('hit parser declines what it does not know, so the full parser can report it', () => {
  for (const argv of [['--help'], ['--bogus'], ['--password', '-x'], ['extra'], ['--server-id'], ['--legacy=maybe'], ['-x', '1']]) {
    assert.equal(lightParse(argv), undefined, argv.join(' '));
  }
});
