// kubelogin completion bash|zsh|fish|powershell and kubelogin help, through bin/kubelogin: each script
// parses in its shell; the bash function, run with COMP_WORDS/COMP_CWORD as bash sets them, offers the
// subcommands, flags, --login values and the kubeconfig's --context names (zsh and fish likewise, when installed).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { oneErrorLine } from '../helpers/assert';
import { writeKubeconfig } from '../helpers/kubeconfig';
import { kubeloginBin } from '../helpers/paths';
import { cleanEnv, runKubelogin } from '../helpers/run';
import { makeTempDir } from '../helpers/tmp';

const has = (shell: string) => spawnSync(shell, ['-c', 'true']).status === 0;
const LOGINS = ['devicecode', 'interactive', 'spn', 'ropc', 'msi', 'azurecli', 'azd', 'workloadidentity', 'azurepipelines'];

describe('shell completion', () => {
  let dir: string;
  let env: Record<string, string>;
  let other: string;
  const scripts: Record<string, string> = {};

  before(async () => {
    dir = makeTempDir();
    // `kubelogin` on PATH, as an installed one would be (zsh and fish complete the command by that name).
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.symlinkSync(kubeloginBin, path.join(dir, 'bin', 'kubelogin'));
    const kube = (file: string, context: string) => writeKubeconfig(path.join(dir, file), { server: 'https://127.0.0.1:1', caPem: '', context, user: { token: 'x' } });
    const a = kube('a.yaml', 'aks-prod');
    const b = kube('b.yaml', 'aks-dev');
    other = kube('other.yaml', 'only-in-other');
    env = cleanEnv({ PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`, KUBECONFIG: [a, b].join(path.delimiter) });
    for (const shell of ['bash', 'zsh', 'fish', 'powershell']) {
      const r = await runKubelogin(['completion', shell]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      scripts[shell] = path.join(dir, `completion.${shell}`);
      fs.writeFileSync(scripts[shell], r.stdout);
    }
  });

  for (const shell of ['bash', 'zsh', 'fish']) {
    it(`the ${shell} script parses (${shell} -n)`, { skip: !has(shell) && `${shell} is not installed (scripts/setup.sh installs it)` }, () => {
      const r = spawnSync(shell, ['-n', scripts[shell]], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });
  }

  it('the powershell script registers a native argument completer that calls __complete', () => {
    const text = fs.readFileSync(scripts.powershell, 'utf8');
    assert.match(text, /Register-ArgumentCompleter -Native -CommandName 'kubelogin'/);
    assert.match(text, /__complete "--current=\$wordToComplete" @done/);
  });

  /** COMPREPLY of _kubelogin for COMP_WORDS = words (the cursor on the last word). */
  function bash(words: string[]): string[] {
    const program = [
      `source ${JSON.stringify(scripts.bash)}`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_kubelogin',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['-c', program], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  }

  const table: Array<[string, string[], (got: string[]) => void]> = [
    ['subcommands', ['kubelogin', ''], (got) => assert.deepEqual(got, ['get-token', 'convert-kubeconfig', 'remove-tokens', 'remove-cache-dir', 'whoami', 'doctor', 'completion', 'help'])],
    ['a subcommand prefix', ['kubelogin', 'remove-'], (got) => assert.deepEqual(got, ['remove-tokens', 'remove-cache-dir'])],
    ['get-token flags by prefix (no hidden --token-cache-dir)', ['kubelogin', 'get-token', '--lo'], (got) => assert.deepEqual(got, ['--login', '--login-hint'])],
    ['the new flag', ['kubelogin', 'get-token', '--force'], (got) => assert.deepEqual(got, ['--force-refresh'])],
    ['all get-token flags', ['kubelogin', 'get-token', '--'], (got) => {
      for (const f of ['--server-id', '--client-id', '--tenant-id', '--cache-dir', '--pop-claims', '--help']) assert.ok(got.includes(f), f);
      assert.ok(!got.includes('--token-cache-dir'));
      assert.ok(!got.includes('--context'), 'get-token has no --context');
    }],
    ['--login values', ['kubelogin', 'get-token', '--login', ''], (got) => assert.deepEqual(got, LOGINS)],
    ['-l values by prefix', ['kubelogin', 'convert-kubeconfig', '-l', 'az'], (got) => assert.deepEqual(got, ['azurecli', 'azd', 'azurepipelines'])],
    ['--login=<value> as bash splits it', ['kubelogin', 'get-token', '--login', '=', 'work'], (got) => assert.deepEqual(got, ['workloadidentity'])],
    ['--login= with nothing typed yet', ['kubelogin', 'get-token', '--login', '='], (got) => assert.deepEqual(got, LOGINS)],
    ['--context names from $KUBECONFIG (both files)', ['kubelogin', 'whoami', '--context', ''], (got) => assert.deepEqual(got, ['aks-prod', 'aks-dev'])],
    ['--context names by prefix', ['kubelogin', 'remove-cache-dir', '--context', 'aks-p'], (got) => assert.deepEqual(got, ['aks-prod'])],
    ['--context names from the --kubeconfig on the line', ['kubelogin', 'convert-kubeconfig', '--kubeconfig', '<other>', '--context', ''], (got) => assert.deepEqual(got, ['only-in-other'])],
    ['--environment values', ['kubelogin', 'get-token', '--environment', 'AzureU'], (got) => assert.deepEqual(got, ['AzureUSGovernmentCloud'])],
    ['file names for --cache-dir', ['kubelogin', 'get-token', '--cache-dir', '<dir>/compl'], (got) => assert.ok(got.some((f) => f.endsWith('completion.bash')), got.join(' '))],
    ['no values for free text', ['kubelogin', 'get-token', '--server-id', ''], (got) => assert.deepEqual(got, [])],
    ['shells', ['kubelogin', 'completion', ''], (got) => assert.deepEqual(got, ['bash', 'zsh', 'fish', 'powershell'])],
    ['help topics', ['kubelogin', 'help', 'c'], (got) => assert.deepEqual(got, ['convert-kubeconfig', 'completion'])],
  ];
  for (const [name, words, check] of table) {
    it(`bash: ${name}`, () => {
      const resolved = words.map((w) => w.replace('<other>', other).replace('<dir>', dir));
      check(bash([kubeloginBin, ...resolved.slice(1)]));
    });
  }

  it('zsh: _kubelogin offers --login values and subcommands (compadd stubbed)', { skip: !has('zsh') && 'zsh is not installed' }, () => {
    const program = [
      'compdef() {}',
      `source ${JSON.stringify(scripts.zsh)}`,
      'compadd() { while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -d ]] && shift; shift; done; shift; print -l -- "$@" }',
      "words=(kubelogin get-token --login=az); CURRENT=3; _kubelogin; print -- '---'",
      "words=(kubelogin whoami --context ''); CURRENT=4; _kubelogin",
    ].join('\n');
    const r = spawnSync('zsh', ['-fc', program], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['--login=azurecli', '--login=azd', '--login=azurepipelines', '---', 'aks-prod', 'aks-dev']);
  });

  it('fish: complete -C offers subcommands with descriptions, --login values and contexts', { skip: !has('fish') && 'fish is not installed' }, () => {
    const program = `source ${JSON.stringify(scripts.fish)}; complete -C 'kubelogin get'; echo ---; complete -C 'kubelogin get-token -l '; echo ---; complete -C 'kubelogin whoami --context aks-d'`;
    const r = spawnSync('fish', ['-c', program], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [commands, logins, contexts] = r.stdout.split('---\n').map((s) => s.trim().split('\n'));
    assert.deepEqual(commands, ['get-token\tget AAD token']);
    assert.deepEqual([...logins].sort(), [...LOGINS].sort());
    assert.deepEqual(contexts, ['aks-dev']);
  });

  it('an unknown shell is one line naming the choices', async () => {
    const r = await runKubelogin(['completion', 'tcsh']);
    assert.match(oneErrorLine(r), /^Error: no completion for the shell "tcsh": run kubelogin completion bash\|zsh\|fish\|powershell$/);
  });

  it('no shell is one line naming the choices', async () => {
    assert.match(oneErrorLine(await runKubelogin(['completion'])), /^Error: completion needs a shell: run kubelogin completion bash\|zsh\|fish\|powershell;/);
  });

  it('__complete never fails: a broken kubeconfig gives no context names and exit 0', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, ': not yaml : [');
    const r = spawnSync(process.execPath, [kubeloginBin, '__complete', '--current=', 'whoami', '--kubeconfig', bad, '--context'], { env, encoding: 'utf8' });
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, '', '']);
  });
});

describe('kubelogin help', () => {
  it('kubelogin help prints the same as kubelogin --help, listing completion and help', async () => {
    const [help, flag] = await Promise.all([runKubelogin(['help']), runKubelogin(['--help'])]);
    assert.equal(help.code, 0, help.stderr);
    assert.equal(help.stdout, flag.stdout);
    assert.match(help.stdout, /kubelogin completion <shell>/);
    assert.match(help.stdout, /kubelogin help \[command\]/);
  });

  it('kubelogin help get-token prints get-token\'s flags', async () => {
    const [help, flag] = await Promise.all([runKubelogin(['help', 'get-token']), runKubelogin(['get-token', '--help'])]);
    assert.equal(help.code, 0, help.stderr);
    assert.equal(help.stdout, flag.stdout);
    assert.match(help.stdout, /--force-refresh/);
    assert.match(help.stdout, /--server-id/);
  });

  it('kubelogin help completion shows the shells', async () => {
    const r = await runKubelogin(['help', 'completion']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bash, zsh, fish, powershell/);
  });

  it('an unknown topic is one line', async () => {
    assert.match(oneErrorLine(await runKubelogin(['help', 'get-tokens'])), /^Error: unknown command "get-tokens" for "kubelogin"; run kubelogin help/);
  });
});
