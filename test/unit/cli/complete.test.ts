// Completion offers exactly the flags each command's --help lists (both read COMMAND_FLAGS; this keeps
// a later command or flag from being added to one and not the other).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { complete } from '../../../src/cli/complete';
import { COMMAND_FLAGS, parseCommandLine } from '../../../src/cli/parse';

for (const command of Object.keys(COMMAND_FLAGS)) {
  test(`completion offers the flags of ${command} --help`, async () => {
    const help = (await parseCommandLine([command, '--help'], '')).helpText ?? '';
    // The option column of yargs' help: "  -l, --login   …" or "      --server-id   …".
    const listed = new Set([...help.matchAll(/^\s+(?:-\w, )?(--[a-z][\w-]*)\s/gm)].map((m) => m[1]));
    for (const global of ['--version', '--logtostderr']) listed.delete(global);
    const offered = complete([command, '--'], () => []).map((c) => c.value);
    assert.deepEqual(new Set(offered), listed);
  });
}

test('every subcommand yargs knows is offered', async () => {
  const help = (await parseCommandLine(['--help'], '')).helpText ?? '';
  const listed = [...help.matchAll(/^\s+kubelogin ([a-z][\w-]*)/gm)].map((m) => m[1]);
  assert.deepEqual(complete([''], () => []).map((c) => c.value), listed);
});
