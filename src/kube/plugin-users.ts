// The kubeconfig users that run this plugin (`kubelogin get-token` exec entries): which contexts use
// them, their exec args and env, and the get-token flags they carry. Shared by remove-tokens --context,
// whoami and doctor, so all three read a user exactly as kubectl would run it.
import { basename } from 'node:path';
import type { Env } from '../cli/env';
import type { SetFlags } from '../cli/options';
import { UsageError } from '../errors';
import { parseExecArgs } from './exec-args';
import { findNamed, findUser, isMap, scalarText, userName, type YamlMap } from './kubeconfig-model';

export interface PluginUser {
  /** The `users[].name`. */
  name: string;
  /** Contexts that point at this user, in file order. */
  contexts: string[];
  command: string;
  args: string[];
  /** The exec entry's `env` list as a map (kubectl adds it to its own environment). */
  env: Record<string, string>;
}

/** An exec entry runs this plugin when its args start with get-token or its command is a kubelogin. */
export function runsPlugin(exec: YamlMap): boolean {
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  return args[0] === 'get-token' || /^kubelogin(\.exe)?$/i.test(basename(scalarText(exec.command)));
}

function pluginUser(name: string, user: YamlMap | undefined, docs: readonly YamlMap[]): PluginUser | undefined {
  const exec = user && isMap(user.exec) ? user.exec : undefined;
  if (!exec || !runsPlugin(exec)) return undefined;
  const env: Record<string, string> = {};
  for (const entry of Array.isArray(exec.env) ? exec.env : []) {
    if (isMap(entry) && typeof entry.name === 'string') env[entry.name] = scalarText(entry.value);
  }
  const args = Array.isArray(exec.args) ? exec.args.map(String) : [];
  return { name, contexts: contextsOf(docs, name), command: scalarText(exec.command), args, env };
}

function namesIn(docs: readonly YamlMap[], list: 'users' | 'contexts'): string[] {
  const names = new Set<string>();
  for (const doc of docs) for (const entry of Array.isArray(doc[list]) ? doc[list] : []) {
    const name = userName(entry);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/** Contexts (first definition of each name wins) whose user is this one. */
function contextsOf(docs: readonly YamlMap[], user: string): string[] {
  return namesIn(docs, 'contexts').filter((name) => {
    const entry = findNamed(docs, 'contexts', name);
    return isMap(entry?.context) && scalarText(entry.context.user) === user;
  });
}

/** Every user, first definition wins (kubectl's merge rule), that runs this plugin. */
export function pluginUsers(docs: readonly YamlMap[]): PluginUser[] {
  return namesIn(docs, 'users').flatMap((name) => pluginUser(name, findUser(docs, name), docs) ?? []);
}

/** The current context: the first file that sets one wins, as in kubectl. */
export function currentContext(docs: readonly YamlMap[]): string | undefined {
  for (const doc of docs) if (typeof doc['current-context'] === 'string' && doc['current-context']) return doc['current-context'];
  return undefined;
}

/** The plugin user a context runs; a one-line UsageError when the context is unknown or runs something else. */
export function contextPluginUser(docs: readonly YamlMap[], context: string, remedy: string): PluginUser {
  const entry = findNamed(docs, 'contexts', context);
  if (!entry) throw new UsageError(`no context exists with the name: "${context}"; run kubectl config get-contexts to list them`);
  const ref = isMap(entry.context) ? entry.context.user : undefined;
  const name = scalarText(ref);
  const user = name ? pluginUser(name, findUser(docs, name), docs) : undefined;
  if (!user || user.args[0] !== 'get-token') throw new UsageError(`context "${context}" does not log in with kubelogin get-token; ${remedy}`);
  return user;
}

/** The environment the plugin runs in for this user: ours, with the exec entry's env on top. */
export function pluginEnv(base: Env, user: PluginUser): Env {
  return { ...base, ...user.env };
}

/** The get-token flags in the exec args, in order (klog's -v and --logtostderr are not among them). */
export function pluginFlags(user: PluginUser): SetFlags {
  return parseExecArgs(user.args.slice(1)).flags;
}
