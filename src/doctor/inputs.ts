// Are the login mode's required inputs there? The requirements are the mode descriptor's (the ones
// get-token enforces, src/login/modes/*.ts); doctor adds the server id and that files named by flags
// exist. Names only: values (ids, secrets) are never shown.
import { existsSync } from 'node:fs';
import type { Env } from '../cli/env';
import type { TokenOptions } from '../cli/options';
import type { Requirement } from '../login/mode';
import { modeFor } from '../login/select';
import { fail, pass, type CheckResult, type Subject } from './check';

interface Input {
  label: string;
  present: (o: TokenOptions, env: Env) => boolean;
  fix: string;
}

const SERVER_ID: Input = {
  label: 'server id',
  present: (o) => !!o.serverId,
  fix: 'add --server-id <AAD server application ID> to the exec args (AKS: 6dae42f8-4368-4678-94ff-3960e28e3630)',
};

/** Flags that name a file get-token will read: a value that names no file is as good as none. */
const FILE_FLAGS: ReadonlyArray<[flag: string, field: 'clientCertificate' | 'federatedTokenFile']> = [
  ['client-certificate', 'clientCertificate'],
  ['federated-token-file', 'federatedTokenFile'],
];

function fromRequirement(r: Requirement, o: TokenOptions): Input {
  const label = r.label ?? r.problem.replace(/ cannot be empty$/, '').replace(/\bID\b/g, 'id');
  return { label, present: (opts, env) => !r.missing(opts, env), fix: r.remedy(o) };
}

function fileInputs(o: TokenOptions): Input[] {
  return FILE_FLAGS.filter(([, field]) => o[field]).map(([flag, field]) => ({
    label: `--${flag} file`,
    present: (opts) => existsSync(opts[field]),
    fix: `--${flag} names no file: point it at the file (the exec args or env)`,
  }));
}

export function checkInputs(s: Subject): CheckResult {
  const o = s.options;
  if (!o) return fail('inputs', `the exec args and env are not valid get-token input: ${s.optionsError}`, 'fix the exec entry (kubelogin convert-kubeconfig rewrites it)');
  const mode = o.loginMethod + (o.legacy && (o.loginMethod === 'spn' || o.loginMethod === 'devicecode') ? ' --legacy' : '');
  const inputs = [SERVER_ID, ...modeFor(o.loginMethod).requires.map((r) => fromRequirement(r, o)), ...fileInputs(o)];
  const missing = inputs.filter((i) => !i.present(o, s.env));
  if (missing.length) {
    return fail('inputs', `login ${mode}: ${missing.map((i) => i.label).join(', ')} missing`, missing.map((i) => i.fix).join('; '));
  }
  return pass('inputs', `login ${mode}: ${inputs.map((i) => i.label).join(', ')} present`);
}
