// doctor: checks every kubeconfig user that runs kubelogin (or the one of --context), one line per
// check with the fix for each failure; exit 1 when any fails. Reads only: it creates, repairs and
// sends nothing that could change a cache or a sign-in (the network probes are plain GETs).
import { homedir } from 'node:os';
import type { Env } from '../cli/env';
import { resolveTokenOptions, validateTokenOptions } from '../cli/options';
import { errorMessage, UsageError } from '../errors';
import { loadKubeconfigFiles, type KubeconfigFile } from '../kube/kubeconfig';
import { findNamed } from '../kube/kubeconfig-model';
import { contextPluginUser, pluginEnv, pluginFlags, pluginUsers, type PluginUser } from '../kube/plugin-users';
import type { Logger } from '../platform/log';
import { fail, type CheckResult, type Subject } from '../doctor/check';
import { checkCachedToken, checkCacheFolder } from '../doctor/cache';
import { checkAz, checkAzd } from '../doctor/cli-tools';
import { checkExecCommand } from '../doctor/exec-command';
import { doctorJson, doctorText, type UserReport } from '../doctor/format';
import { checkInputs } from '../doctor/inputs';
import { checkKeyring } from '../doctor/keyring';
import { checkManagedIdentity } from '../doctor/managed-identity';
import { checkAuthority, checkProxy, ENTRA_MODES, type Probe } from '../doctor/network';
import type { OutputFormat } from './whoami';

export interface DoctorInput {
  kubeconfig?: string;
  context?: string;
  output: OutputFormat;
}

export interface DoctorDeps {
  env: Env;
  log: Logger;
  now: () => number;
  stdout: (text: string) => void;
}

export async function doctor(input: DoctorInput, deps: DoctorDeps): Promise<number> {
  const files = loadKubeconfigFiles({ explicit: input.kubeconfig, kubeconfigEnv: deps.env.KUBECONFIG, home: deps.env.HOME || homedir() });
  const docs = files.map((f) => f.doc);
  const users = input.context
    ? [contextPluginUser(docs, input.context, 'doctor checks users that run kubelogin get-token; run kubelogin convert-kubeconfig first')]
    : pluginUsers(docs);
  const memo = new Map<string, Promise<Probe>>();
  const reports: UserReport[] = [];
  for (const user of users) reports.push(await checkUser(subjectOf(user, files, deps.env), deps, memo));
  if (!reports.length) {
    reports.push({ user: '(none)', contexts: [], checks: [fail('exec', `no user in ${files.map((f) => f.path).join(', ')} runs kubelogin get-token`, 'run kubelogin convert-kubeconfig (or pass --kubeconfig / --context)')] });
  }
  deps.stdout(input.output === 'json' ? doctorJson(reports) : doctorText(reports));
  return reports.every((r) => r.checks.every((c) => c.ok)) ? 0 : 1;
}

function subjectOf(user: PluginUser, files: KubeconfigFile[], ourEnv: Env): Subject {
  const env = pluginEnv(ourEnv, user);
  // The first file that defines the user (kubectl's merge rule).
  const file = files.find((f) => findNamed([f.doc], 'users', user.name));
  const subject: Subject = { user, env, kubeconfigFile: file?.path ?? files[0].path };
  try {
    const { options } = resolveTokenOptions(pluginFlags(user), env);
    validateTokenOptions(options);
    subject.options = options;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    subject.optionsError = errorMessage(err);
  }
  return subject;
}

async function checkUser(s: Subject, deps: DoctorDeps, memo: Map<string, Promise<Probe>>): Promise<UserReport> {
  const checks: CheckResult[] = [checkExecCommand(s, deps.env), checkInputs(s)];
  const o = s.options;
  if (o) {
    checks.push(checkCacheFolder(s), checkCachedToken(s, deps.now()));
    // msi, azurecli and azd keep no MSAL cache, so the keyring does not matter to them.
    if (!['azurecli', 'azd', 'msi'].includes(o.loginMethod)) checks.push(await checkKeyring(s));
    if (ENTRA_MODES.has(o.loginMethod)) checks.push(checkProxy(s), ...(await checkAuthority(s, memo)));
    if (o.loginMethod === 'azurecli') checks.push(checkAz(s));
    if (o.loginMethod === 'azd') checks.push(await checkAzd(s));
    if (o.loginMethod === 'msi') checks.push(await checkManagedIdentity(s));
  }
  deps.log.v(3, `doctor: user ${s.user.name}: ${checks.filter((c) => !c.ok).length} of ${checks.length} checks failed`);
  return { user: s.user.name, contexts: s.user.contexts, login: o?.loginMethod, checks };
}
