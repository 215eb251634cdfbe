// Plain-object view of kubeconfig documents (as js-yaml loads them) and the lookups kubectl's merge
// rules need: across several files, the first file that defines a context or user name wins.
import { UsageError } from '../errors';

export type YamlMap = Record<string, unknown>;

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A YAML scalar as text (kubectl reads an unquoted number or boolean as a string too); '' for anything else. */
export function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? JSON.stringify(value) : '';
}

/** The name of a `users` / `contexts` entry (kubectl reads an unquoted number as a name too). */
export function userName(entry: unknown): string | undefined {
  if (!isMap(entry)) return undefined;
  const name = entry.name;
  return typeof name === 'string' || typeof name === 'number' ? String(name) : undefined;
}

/** The `users` / `contexts` entry with this name, from the first file that defines it. */
export function findNamed(docs: readonly YamlMap[], list: 'users' | 'contexts', name: string): YamlMap | undefined {
  for (const doc of docs) {
    const entries = Array.isArray(doc[list]) ? (doc[list] as unknown[]) : [];
    const hit = entries.find((entry) => userName(entry) === name);
    if (hit) return hit as YamlMap;
  }
  return undefined;
}

/** The user name a context points to; errors when the context does not exist or names no user. */
export function contextUser(docs: readonly YamlMap[], context: string): string {
  const entry = findNamed(docs, 'contexts', context);
  if (!entry) throw new UsageError(`no context exists with the name: "${context}"; run kubectl config get-contexts to list them`);
  const user = isMap(entry.context) ? entry.context.user : undefined;
  // Azure/kubelogin converts every user here; converting nothing is what "--context" asks for.
  if (user === undefined || user === null || user === '') {
    throw new UsageError(`context "${context}" has no user to convert; set its user with kubectl config set-context, or leave out --context`);
  }
  return scalarText(user);
}

/** The user entry (`user:` map) a context's user name resolves to, following the merge rules. */
export function findUser(docs: readonly YamlMap[], name: string): YamlMap | undefined {
  const entry = findNamed(docs, 'users', name);
  return entry && isMap(entry.user) ? entry.user : undefined;
}

/** Deep equality where map key order does not matter and list order does. */
export function sameYaml(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameYaml(x, b[i]));
  }
  if (!isMap(a) || !isMap(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameYaml(a[k], b[k]));
}
