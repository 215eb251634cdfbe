// Does kubectl find the plugin? The exec command as kubectl resolves it: a bare name on kubectl's
// PATH, a path with a separator relative to the kubeconfig's folder; it must be an executable file.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import type { Env } from '../cli/env';
import { fail, pass, type CheckResult, type Subject } from './check';

export function checkExecCommand(s: Subject, ourEnv: Env): CheckResult {
  const { command, args } = s.user;
  if (!command) return fail('exec', 'the exec entry has no command', 'set users[].user.exec.command to kubelogin (or its absolute path)');
  const found = resolveCommand(command, ourEnv.PATH ?? '', dirname(s.kubeconfigFile));
  if (!found.path) {
    const fix = found.why.includes('not executable') ? `chmod +x ${found.tried}`
      : command.includes('/') || command.includes(sep)
      ? `install kubelogin at ${found.tried}, or set users[].user.exec.command to where it is`
      : 'install kubelogin on PATH (npm install -g, or a symlink to bin/kubelogin), or set users[].user.exec.command to its absolute path';
    return fail('exec', `exec command "${command}" ${found.why}`, fix);
  }
  if (args[0] !== 'get-token') {
    return fail('exec', `exec command ${found.path} runs "${args.join(' ')}", not get-token`, `run kubelogin convert-kubeconfig ${s.user.contexts[0] ? `--context ${s.user.contexts[0]}` : ''}`.trim());
  }
  return pass('exec', `exec command ${command === found.path ? command : `${command} → ${found.path}`} get-token`);
}

function resolveCommand(command: string, path: string, kubeconfigDir: string): { path?: string; why: string; tried: string } {
  if (command.includes('/') || command.includes(sep)) {
    const full = isAbsolute(command) ? command : resolve(kubeconfigDir, command);
    const why = problem(full);
    return why ? { why, tried: full } : { path: full, why: '', tried: full };
  }
  const full = findOnPath(command, path);
  return full ? { path: full, why: '', tried: full } : { why: 'is not on PATH', tried: command };
}

/** The first executable file of that name in the PATH list. */
export function findOnPath(name: string, path: string): string | undefined {
  const names = process.platform === 'win32' ? [name, `${name}.exe`, `${name}.cmd`] : [name];
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const n of names) if (!problem(join(dir, n))) return join(dir, n);
  }
  return undefined;
}

/** Why the file cannot be run, or '' when it can. */
function problem(file: string): string {
  try {
    if (!statSync(file).isFile()) return `(${file}) is not a file`;
    accessSync(file, constants.X_OK);
    return '';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `(${file}) does not exist` : code === 'EACCES' ? `(${file}) is not executable` : `(${file}): ${(err as Error).message}`;
  }
}
