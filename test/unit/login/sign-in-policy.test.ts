import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CI_VARIABLES, ciVariable, signInDecision, type SignInSituation } from '../../../src/login/sign-in-policy';

// Every row of the decision, each with the input that reaches it and nothing that would reach an earlier row.
type Row = [name: string, situation: Partial<SignInSituation>, proceed: boolean, why: RegExp];
const base: SignInSituation = { mode: 'devicecode', specInteractive: false, stdinIsTTY: false, stderrIsTTY: false, platform: 'linux', env: {} };

const rows: Row[] = [
  ['forced: KUBELOGIN_INTERACTIVE=always beats CI and no terminal', { env: { KUBELOGIN_INTERACTIVE: 'always', CI: 'true' } }, true, /KUBELOGIN_INTERACTIVE=always/],
  ['forced, any letter case', { env: { KUBELOGIN_INTERACTIVE: ' Always ' } }, true, /=always/],
  ['forced: KUBELOGIN_INTERACTIVE=never beats spec.interactive=true and terminals', { specInteractive: true, stderrIsTTY: true, stdinIsTTY: true, env: { KUBELOGIN_INTERACTIVE: 'never' } }, false, /KUBELOGIN_INTERACTIVE=never/],
  ['auto is the default behaviour', { specInteractive: true, env: { KUBELOGIN_INTERACTIVE: 'auto' } }, true, /spec\.interactive=true/],
  ['CI beats spec.interactive=true and a terminal', { specInteractive: true, stderrIsTTY: true, env: { CI: 'true' } }, false, /CI system was detected \(CI is set\)/],
  ['Azure Pipelines (TF_BUILD)', { stderrIsTTY: true, env: { TF_BUILD: 'True' } }, false, /TF_BUILD is set/],
  ['GitHub Actions', { mode: 'interactive', platform: 'darwin', env: { GITHUB_ACTIONS: 'true' } }, false, /GITHUB_ACTIONS is set/],
  ['Jenkins', { env: { JENKINS_URL: 'https://ci.example/' } }, false, /JENKINS_URL is set/],
  ['CI=false is not CI', { specInteractive: true, env: { CI: 'false' } }, true, /spec\.interactive=true/],
  ['spec.interactive=true', { specInteractive: true }, true, /kubectl set spec\.interactive=true/],
  ['no exec info, stdin a terminal (run by hand)', { specInteractive: undefined, stdinIsTTY: true }, true, /stdin is a terminal/],
  ['spec.interactive=false outranks a terminal on stdin (kubectl decided)', { specInteractive: false, stdinIsTTY: true }, false, /spec\.interactive=false, stderr is not a terminal/],
  ['spec.interactive=false, stderr a terminal: devicecode proceeds (cat x | kubectl apply -f -)', { stderrIsTTY: true }, true, /stderr is a terminal/],
  ['interactive mode, stderr a terminal', { mode: 'interactive', stderrIsTTY: true }, true, /stderr is a terminal/],
  ['interactive mode on macOS (GUI tools)', { mode: 'interactive', platform: 'darwin' }, true, /desktop browser.*macOS/],
  ['interactive mode on Windows', { mode: 'interactive', platform: 'win32' }, true, /desktop browser.*Windows/],
  ['interactive mode on Linux with DISPLAY', { mode: 'interactive', env: { DISPLAY: ':0' } }, true, /desktop browser.*DISPLAY/],
  ['interactive mode on Linux with WAYLAND_DISPLAY', { mode: 'interactive', env: { WAYLAND_DISPLAY: 'wayland-0' } }, true, /desktop browser.*WAYLAND_DISPLAY/],
  ['interactive mode in WSL', { mode: 'interactive', env: { WSL_DISTRO_NAME: 'Ubuntu' } }, true, /desktop browser.*WSL/],
  ['devicecode gains nothing from a desktop', { platform: 'darwin', env: { DISPLAY: ':0' } }, false, /spec\.interactive=false, stderr is not a terminal$/],
  ['interactive mode on headless Linux', { mode: 'interactive' }, false, /stderr is not a terminal, and no desktop browser can be opened/],
  ['nothing holds, no exec info', { specInteractive: undefined }, false, /stdin is not a terminal, stderr is not a terminal/],
];

for (const [name, situation, proceed, why] of rows) {
  test(`sign-in decision: ${name}`, () => {
    const got = signInDecision({ ...base, ...situation });
    assert.equal(got.proceed, proceed);
    assert.match(got.why, why);
  });
}

test('sign-in decision: an unknown KUBELOGIN_INTERACTIVE value is a usage error naming the choices', () => {
  assert.throws(() => signInDecision({ ...base, env: { KUBELOGIN_INTERACTIVE: 'yes' } }), /KUBELOGIN_INTERACTIVE="yes" is not valid: use always .*never .*auto/);
});

test('CI detection: every listed variable counts; empty, false and 0 do not', () => {
  for (const name of CI_VARIABLES) assert.equal(ciVariable({ [name]: '1' }), name);
  for (const value of ['', 'false', 'FALSE', '0']) assert.equal(ciVariable({ CI: value }), undefined, value);
  assert.equal(ciVariable({}), undefined);
});
