// --login azurecli / azd: the CLI must be installed where get-token runs it (the PATH of its
// environment) and signed in. az keeps its sign-in in azureProfile.json (what `az account show`
// reads); azd answers `azd auth login --check-status`.
import { azActiveAccount } from '../login/modes/azurecli';
import { runProcess } from '../platform/spawn';
import { fail, pass, type CheckResult, type Subject } from './check';
import { findOnPath } from './exec-command';

const AZD_TIMEOUT_MS = 15_000;

export function checkAz(s: Subject): CheckResult {
  const az = findOnPath('az', s.env.PATH ?? '');
  if (!az) return fail('az', 'Azure CLI (az) is not on PATH', 'install it (https://aka.ms/azure-cli), or pick another --login');
  const account = azActiveAccount(s.env);
  const dir = s.env.AZURE_CONFIG_DIR ? `AZURE_CONFIG_DIR=${s.env.AZURE_CONFIG_DIR}` : '~/.azure';
  if (account === 'none' || account === 'unknown') return fail('az', `Azure CLI ${az} is not signed in (no default subscription in ${dir})`, 'run az login (with the same AZURE_CONFIG_DIR as the exec entry)');
  return pass('az', `Azure CLI ${az}: signed in (${dir})`);
}

export async function checkAzd(s: Subject): Promise<CheckResult> {
  const azd = findOnPath('azd', s.env.PATH ?? '');
  if (!azd) return fail('azd', 'Azure Developer CLI (azd) is not on PATH', 'install it (https://aka.ms/azd-install), or pick another --login');
  try {
    const r = await runProcess(azd, ['auth', 'login', '--check-status', '--output', 'json'], { env: s.env, timeoutMs: AZD_TIMEOUT_MS });
    const status = statusOf(r.stdout);
    if (r.code === 0 && (status === 'success' || (!status && /logged in/i.test(r.stdout) && !/not logged in/i.test(r.stdout)))) return pass('azd', `Azure Developer CLI ${azd}: signed in`);
    return fail('azd', `Azure Developer CLI ${azd} is not signed in${status ? ` (status ${status})` : ''}`, 'run azd auth login');
  } catch (err) {
    return fail('azd', `Azure Developer CLI ${azd} did not answer azd auth login --check-status: ${(err as Error).message}`, 'check that azd auth login --check-status works in this shell');
  }
}

function statusOf(stdout: string): string | undefined {
  try {
    const status = (JSON.parse(stdout) as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}
