// One doctor check's result, and what every check gets: the kubeconfig user, the environment its
// get-token runs in, and its resolved options (unless they could not be resolved).
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import type { PluginUser } from '../kube/plugin-users';

export interface CheckResult {
  /** Short id: exec, inputs, cache-folder, cached-token, keyring, proxy, authority, clock, az, azd, managed-identity. */
  check: string;
  ok: boolean;
  message: string;
  /** What to do, for a failure. */
  fix?: string;
}

export interface Subject {
  user: PluginUser;
  /** The kubeconfig file that defines the user (relative exec commands resolve against its folder). */
  kubeconfigFile: string;
  /** Our environment with the exec entry's env on top: what get-token sees. */
  env: Env;
  /** Undefined when the exec args or env do not make valid get-token options (the inputs check says why). */
  options?: TokenOptions;
  optionsError?: string;
}

export const pass = (check: string, message: string): CheckResult => ({ check, ok: true, message });
export const fail = (check: string, message: string, fix: string): CheckResult => ({ check, ok: false, message, fix });

/** A name for the user in fixes: `--context NAME` when a context uses it. */
export function contextHint(s: Subject): string {
  return s.user.contexts.length ? `--context ${s.user.contexts[0]}` : `(user ${s.user.name})`;
}
