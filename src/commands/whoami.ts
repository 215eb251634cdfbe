// whoami: the token get-token would serve for a kubeconfig user (through the same use case: cache,
// lock, silent refresh, sign-in), decoded and described; never the token itself.
import { homedir } from 'node:os';
import type { Env } from '../cli/env';
import { resolveTokenOptions, validateTokenOptions, type SetFlags } from '../cli/options';
import { UsageError } from '../errors';
import { loadKubeconfigFiles } from '../kube/kubeconfig';
import { contextPluginUser, currentContext, pluginEnv, pluginFlags } from '../kube/plugin-users';
import { sanitize, type Logger } from '../platform/log';
import { whoamiJson, whoamiTable } from '../whoami/format';
import { describeToken } from '../whoami/identity';
import { acquireToken, presentedToken } from './get-token';

export type OutputFormat = 'table' | 'json';

export interface WhoamiInput {
  /** get-token flags given on the command line; none (and no --context) means the current context. */
  flags: SetFlags;
  kubeconfig?: string;
  context?: string;
  output: OutputFormat;
  /** -v as given, passed on when whoami runs again for a context. */
  verbosity?: string;
}

export interface WhoamiDeps {
  env: Env;
  log: Logger;
  now: () => number;
  stdout: (text: string) => void;
  stdinIsTTY: boolean;
  stderrIsTTY?: boolean;
  /** Runs kubelogin again with these args and env (see platform/rerun.ts); resolves to its exit code. */
  rerun: (args: string[], env: Env) => Promise<number>;
}

export async function whoami(input: WhoamiInput, deps: WhoamiDeps): Promise<number> {
  if (input.context === undefined && input.flags.length) return whoamiForFlags(input, deps);
  if (input.flags.length) throw new UsageError('pass either --context or the get-token flags, not both: with --context, whoami reads the flags from the context\'s exec entry');
  return whoamiForContext(input, deps);
}

async function whoamiForFlags(input: WhoamiInput, deps: WhoamiDeps): Promise<number> {
  const { options } = resolveTokenOptions(input.flags, deps.env);
  validateTokenOptions(options);
  // Not run by kubectl: no spec.interactive; the terminals and the environment decide (sign-in-policy.ts).
  const served = await acquireToken(options, deps, undefined);
  deps.log.secret(served.token);
  const id = describeToken(presentedToken(served, deps), served.expiresOn, served.source, options);
  // The table goes to a terminal and quotes the token's claims, which an identity provider chose: no escape sequences.
  deps.stdout(input.output === 'json' ? whoamiJson(id) : sanitize(whoamiTable(id, deps.now())));
  return 0;
}

/** Runs whoami with the context's exec args and env, exactly as kubectl would run get-token. */
async function whoamiForContext(input: WhoamiInput, deps: WhoamiDeps): Promise<number> {
  const files = loadKubeconfigFiles({ explicit: input.kubeconfig, kubeconfigEnv: deps.env.KUBECONFIG, home: deps.env.HOME || homedir() });
  const docs = files.map((f) => f.doc);
  const context = input.context ?? currentContext(docs);
  if (!context) throw new UsageError('the kubeconfig has no current context: pass --context NAME, or the get-token flags (--server-id ...)');
  const user = contextPluginUser(docs, context, 'pass the get-token flags instead (--server-id ...), or run kubelogin convert-kubeconfig first');
  // Also what keeps the run below in flags mode (never back here).
  if (!pluginFlags(user).some(([name]) => name === 'server-id')) throw new UsageError(`context "${context}": its get-token arguments have no --server-id; fix the kubeconfig entry`);
  const args = ['whoami', ...user.args.slice(1), '--output', input.output, ...(input.verbosity ? ['-v', input.verbosity] : [])];
  deps.log.v(3, `whoami: context ${context} runs user ${user.name}`);
  return deps.rerun(args, pluginEnv(deps.env, user));
}
