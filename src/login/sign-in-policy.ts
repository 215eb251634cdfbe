// Who can be asked to sign in (device code on stderr, a browser): one pure decision. kubectl sends
// spec.interactive=false whenever ITS stdin is not a terminal (`cat x.yaml | kubectl apply -f -`, GUI
// tools), yet a person reading stderr can still enter a device code, and a desktop can still show a
// browser. A CI job has nobody to ask: there we fail at once instead of waiting out --timeout.
import { UsageError } from '../errors';
import { ENV, type Env } from '../cli/env';

export interface SignInSituation {
  mode: 'devicecode' | 'interactive';
  /** spec.interactive from KUBERNETES_EXEC_INFO; undefined when not run by kubectl. */
  specInteractive: boolean | undefined;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  platform: NodeJS.Platform;
  env: Env;
}

export interface SignInDecision {
  proceed: boolean;
  /** Which row decided, in words for the log and the error line. */
  why: string;
}

/** Variables CI systems set (Azure Pipelines: TF_BUILD; GitHub, GitLab, Jenkins, and others). */
export const CI_VARIABLES = [
  'CI', 'CONTINUOUS_INTEGRATION', 'TF_BUILD', 'GITHUB_ACTIONS', 'GITLAB_CI', 'JENKINS_URL', 'BUILDKITE', 'CIRCLECI',
  'TEAMCITY_VERSION', 'TRAVIS', 'APPVEYOR', 'BITBUCKET_BUILD_NUMBER', 'CODEBUILD_BUILD_ID', 'DRONE', 'SEMAPHORE',
  'BITRISE_IO', 'HUDSON_URL', 'CF_BUILD_ID', 'HARNESS_BUILD_ID', 'WOODPECKER',
] as const;

const FORCE_VALUES = ['always', 'never', 'auto'];

/**
 * The rows, first match wins: KUBELOGIN_INTERACTIVE=always|never; a CI system → fail; spec.interactive
 * (or, outside kubectl, a terminal on stdin) → proceed; stderr a terminal → proceed; interactive mode
 * with a desktop browser → proceed; otherwise fail.
 */
export function signInDecision(s: SignInSituation): SignInDecision {
  const force = (s.env[ENV.interactive] ?? '').trim().toLowerCase();
  if (force && !FORCE_VALUES.includes(force)) {
    throw new UsageError(`${ENV.interactive}="${s.env[ENV.interactive]}" is not valid: use always (wait for a sign-in), never (fail at once) or auto`);
  }
  if (force === 'always') return { proceed: true, why: `${ENV.interactive}=always` };
  if (force === 'never') return { proceed: false, why: `${ENV.interactive}=never` };
  const ci = ciVariable(s.env);
  if (ci) return { proceed: false, why: `a CI system was detected (${ci} is set)` };
  if (s.specInteractive === true) return { proceed: true, why: 'kubectl set spec.interactive=true' };
  if (s.specInteractive === undefined && s.stdinIsTTY) return { proceed: true, why: 'stdin is a terminal' };
  if (s.stderrIsTTY) return { proceed: true, why: 'stderr is a terminal' };
  const desktop = s.mode === 'interactive' ? desktopBrowser(s.platform, s.env) : undefined;
  if (desktop) return { proceed: true, why: `a desktop browser can be opened (${desktop})` };
  const input = s.specInteractive === false ? 'kubectl set spec.interactive=false' : 'stdin is not a terminal';
  const browser = s.mode === 'interactive' ? ', and no desktop browser can be opened (no DISPLAY or WAYLAND_DISPLAY)' : '';
  return { proceed: false, why: `${input}, stderr is not a terminal${browser}` };
}

/** The CI variable that is set, if any (`CI=false` and `CI=0` do not count). */
export function ciVariable(env: Env): string | undefined {
  return CI_VARIABLES.find((name) => {
    const value = (env[name] ?? '').trim().toLowerCase();
    return value !== '' && value !== 'false' && value !== '0';
  });
}

/** Where the platform's opener can show a browser window: macOS, Windows, a Linux desktop session, WSL. */
function desktopBrowser(platform: NodeJS.Platform, env: Env): string | undefined {
  if (platform === 'darwin') return 'macOS';
  if (platform === 'win32') return 'Windows';
  if (env.WAYLAND_DISPLAY) return 'WAYLAND_DISPLAY';
  if (env.DISPLAY) return 'DISPLAY';
  if (env.WSL_DISTRO_NAME) return 'WSL';
  return undefined;
}
