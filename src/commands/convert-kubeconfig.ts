// convert-kubeconfig: rewrites the Azure users of the kubeconfig file(s) to run `kubelogin get-token`.
// Each user goes back to the file that defines it; files without a change are not touched, so a
// second run is a no-op; --dry-run prints the files that would change instead of writing them.
import { homedir } from 'node:os';
import type { Env } from '../cli/env';
import { tokenFlag, TOKEN_FLAGS } from '../cli/flags';
import { secretsOf, type TokenOptions } from '../cli/options';
import { ConfigError } from '../errors';
import { convertKubeconfigs, type ConvertRequest } from '../kube/convert';
import { dumpKubeconfig, loadKubeconfigFiles, saveKubeconfigs, type KubeconfigFile, type YamlMap } from '../kube/kubeconfig';
import { sameYaml } from '../kube/kubeconfig-model';
import { modeFor } from '../login/select';
import type { Logger } from '../platform/log';

export interface ConvertInput {
  options: TokenOptions;
  /** Long names of the flags given on the command line. */
  setFlags: Set<string>;
  kubeconfig?: string;
  context?: string;
  azureConfigDir?: string;
  dryRun: boolean;
}

interface Deps {
  env: Env;
  log: Logger;
  stdout: (text: string) => void;
}

const SECRET_FLAGS = TOKEN_FLAGS.filter((f) => f.secret).map((f) => f.name);
const MAX_ATTEMPTS = 3;

/** Flags + options (after the env step) → what the pure converter needs: each token flag given, with its field's value. */
export function convertRequest(input: Omit<ConvertInput, 'dryRun'>): ConvertRequest {
  const flags = new Map<string, string | boolean>();
  for (const name of input.setFlags) {
    const flag = tokenFlag(name);
    const value = flag ? input.options[flag.field] : undefined;
    if (typeof value === 'string' || typeof value === 'boolean') flags.set(name, value);
  }
  return { login: input.options.loginMethod, flags, context: input.context, azureConfigDir: input.azureConfigDir };
}

export async function convertKubeconfig(input: ConvertInput, deps: Deps): Promise<void> {
  const { options, dryRun } = input;
  for (const secret of secretsOf(options, deps.env)) deps.log.secret(secret);
  const request = convertRequest(input);
  const source = { explicit: input.kubeconfig, kubeconfigEnv: deps.env.KUBECONFIG, home: deps.env.HOME || homedir() };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const files = loadKubeconfigFiles(source);
    const changes = plan(files, request);
    if (!changes.length) {
      deps.log.v(dryRun ? 0 : 1, `nothing to convert in ${files.map((f) => f.path).join(', ')}`);
      return;
    }
    if (dryRun) return deps.stdout(preview(files, changes, withoutSecrets(request)));
    if (await saveKubeconfigs(changes)) return report(changes, request, deps.log);
    deps.log.v(1, 'the kubeconfig changed while converting it; converting again');
  }
  throw new ConfigError('the kubeconfig kept changing while converting it; run convert-kubeconfig again');
}

function plan(files: KubeconfigFile[], request: ConvertRequest): Array<{ file: KubeconfigFile; doc: YamlMap }> {
  const docs = convertKubeconfigs(files.map((f) => f.doc), request);
  return files.map((file, i) => ({ file, doc: docs[i] })).filter(({ file, doc }) => !sameYaml(file.doc, doc));
}

/** One file: its YAML. Several: each headed by a `# <path>` comment, as a multi-document stream. */
function preview(files: KubeconfigFile[], changes: Array<{ file: KubeconfigFile }>, shown: ConvertRequest): string {
  const docs = convertKubeconfigs(files.map((f) => f.doc), shown);
  const texts = changes.map(({ file }) => ({ file, text: dumpKubeconfig(docs[files.indexOf(file)], file.text) }));
  if (texts.length === 1) return texts[0].text;
  return texts.map(({ file, text }) => `# ${file.path}\n${text}`).join('---\n');
}

/** --dry-run output goes to a terminal or a log: secret values given as flags are shown as [REDACTED]. */
function withoutSecrets(request: ConvertRequest): ConvertRequest {
  const flags = new Map(request.flags);
  for (const name of SECRET_FLAGS) if (flags.has(name)) flags.set(name, '[REDACTED]');
  return { ...request, flags };
}

function report(changes: Array<{ file: KubeconfigFile }>, request: ConvertRequest, log: Logger): void {
  const paths = changes.map((c) => c.file.path).join(', ');
  log.v(1, `converted the Azure users in ${paths} to --login ${request.login}`);
  const written = (modeFor(request.login).writesSecrets ?? []).filter((name) => request.flags.get(name));
  if (written.length) {
    log.warn(`${written.map((n) => `--${n}`).join(', ')} now stored in plain text in ${paths}; to keep secrets out of the kubeconfig, convert without them and set them in the environment kubectl runs in (see kubelogin get-token --help)`);
  }
}
