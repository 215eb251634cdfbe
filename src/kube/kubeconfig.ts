// Kubeconfig files: which ones (--kubeconfig, else KUBECONFIG, else ~/.kube/config), loading them
// (the only importer of js-yaml), and writing changed ones back atomically under client-go's lock.
import { delimiter, join, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { MIB, readBoundedText, UnreadableFileError } from '../platform/read-bounded';
import { isMap, sameYaml, type YamlMap } from './kubeconfig-model';
import { lockFiles, prepareWrite, type PendingWrite } from './write-file';

export type { YamlMap } from './kubeconfig-model';

/** js-yaml, required on first use: get-token loads the bundle that holds it without ever reading YAML. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = () => require('js-yaml') as typeof import('js-yaml');

export interface KubeconfigFile {
  path: string;
  /** The text as read, to detect a concurrent change before writing. */
  text: string;
  doc: YamlMap;
}

export interface KubeconfigSource {
  /** --kubeconfig: exactly this file, which must exist. */
  explicit?: string;
  /** $KUBECONFIG: a path list; files that do not exist are skipped, like kubectl does. */
  kubeconfigEnv?: string;
  home: string;
}

export function kubeconfigPaths(src: KubeconfigSource): string[] {
  if (src.explicit) return [resolve(src.explicit)];
  const listed = (src.kubeconfigEnv ?? '').split(delimiter).filter(Boolean).map((p) => resolve(p));
  return listed.length ? [...new Set(listed)] : [join(src.home, '.kube', 'config')];
}

/** Loads every existing file of the source, in precedence order. */
export function loadKubeconfigFiles(src: KubeconfigSource): KubeconfigFile[] {
  const paths = kubeconfigPaths(src);
  const files = paths.flatMap((path) => {
    const text = readKubeconfigText(path, !!src.explicit);
    return text === undefined ? [] : [{ path, text, doc: parseKubeconfig(text, path) }];
  });
  if (!files.length) {
    throw new ConfigError(`unable to load kubeconfig: no file found at ${paths.join(', ')}; pass --kubeconfig <file> or set KUBECONFIG`);
  }
  return files;
}

/** kubectl has no limit; a kubeconfig of a thousand clusters with embedded CAs is a few MiB. */
const MAX_KUBECONFIG_BYTES = 16 * MIB;

function readKubeconfigText(path: string, mustExist: boolean): string | undefined {
  try {
    // Strict UTF-8, as kubectl's YAML parser: a Latin-1 file would otherwise be rewritten with U+FFFD.
    return readBoundedText(path, MAX_KUBECONFIG_BYTES, { strict: true });
  } catch (err) {
    if (!(err instanceof UnreadableFileError)) throw err;
    if (err.code === 'ENOENT' && !mustExist) return undefined;
    const fix = err.code === 'EILSEQ' ? 'save it as UTF-8 (e.g. iconv -f latin1 -t utf-8)' : 'pass an existing, readable kubeconfig file';
    throw new ConfigError(`unable to load kubeconfig: ${err.message}; ${fix}`);
  }
}

export function parseKubeconfig(text: string, path: string): YamlMap {
  let doc: unknown;
  try {
    doc = yaml().load(text, { schema: yaml().CORE_SCHEMA, filename: path });
  } catch (err) {
    if (err instanceof RangeError) throw new ConfigError(`unable to load kubeconfig: ${path}: the YAML is nested too deeply; fix the file and run again`);
    if (!(err instanceof yaml().YAMLException)) throw err;
    const at = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
    throw new ConfigError(`unable to load kubeconfig: ${path}: ${err.reason}${at}; fix the YAML and run again`);
  }
  if (doc === undefined || doc === null) return {};
  if (expandsBeyond(doc, MAX_EXPANDED_NODES)) {
    throw new ConfigError(`unable to load kubeconfig: ${path}: YAML aliases expand to more than ${MAX_EXPANDED_NODES} nodes ("billion laughs"); remove the aliases (kubectl never writes them)`);
  }
  if (!isMap(doc)) throw new ConfigError(`unable to load kubeconfig: ${path}: the document is not a mapping; fix the file and run again`);
  for (const list of ['users', 'contexts', 'clusters']) {
    const value = doc[list];
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      throw new ConfigError(`unable to load kubeconfig: ${path}: "${list}" is not a list; fix the file and run again`);
    }
  }
  return doc;
}

/**
 * js-yaml shares one object per anchor, so loading is cheap, but every walk that follows (convert,
 * compare, dump with noRefs) visits the expansion: nine aliases of nine levels are 10^9 nodes.
 * Counting visits with a budget bounds that, and a self-referencing anchor, before any walk starts.
 */
export const MAX_EXPANDED_NODES = 1_000_000;

export function expandsBeyond(doc: unknown, budget: number): boolean {
  const stack: unknown[] = [doc];
  let visits = 0;
  while (stack.length) {
    const node = stack.pop();
    if (++visits > budget) return true;
    if (node !== null && typeof node === 'object') for (const child of Object.values(node)) stack.push(child);
  }
  return false;
}

/** YAML text for a document; lists are indented the way the original text indents them (kubectl: not at all). */
export function dumpKubeconfig(doc: YamlMap, original = ''): string {
  const indentedLists = !/^- /m.test(original) && /^ +- /m.test(original);
  const text = yaml().dump(doc, { schema: yaml().CORE_SCHEMA, lineWidth: -1, noRefs: true, noArrayIndent: !indentedLists });
  // js-yaml quotes every string starting with "-"; a flag such as --login is a valid plain scalar, and
  // kubectl and az write exec args unquoted, so keep them that way.
  const plain = text.replace(/^(\s*- |[^\n]*: )'(--?[A-Za-z][A-Za-z0-9-]*)'$/gm, '$1$2');
  // The pattern could also meet a line inside a block scalar: then keep js-yaml's text as it is.
  return plain === text || sameYaml(yaml().load(plain, { schema: yaml().CORE_SCHEMA }), doc) ? plain : text;
}

/**
 * Writes the new documents: locks every file (sorted, like client-go), checks that none changed since
 * it was read, writes all temp files, then renames them. Returns false, having written nothing, when
 * a file changed underneath (the caller reloads and converts again).
 */
export async function saveKubeconfigs(changes: Array<{ file: KubeconfigFile; doc: YamlMap }>): Promise<boolean> {
  const sorted = [...changes].sort((a, b) => (a.file.path < b.file.path ? -1 : 1));
  const release = await lock(sorted.map(({ file }) => file.path));
  const pending: Array<{ path: string; write: PendingWrite }> = [];
  try {
    if (sorted.some(({ file }) => readKubeconfigText(file.path, true) !== file.text)) return false;
    for (const { file, doc } of sorted) {
      pending.push({ path: file.path, write: writing(file.path, () => prepareWrite(file.path, dumpKubeconfig(doc, file.text))) });
    }
    while (pending.length) {
      writing(pending[0].path, () => pending[0].write.commit());
      pending.shift();
    }
    return true;
  } finally {
    for (const p of pending) p.write.abort();
    release();
  }
}

async function lock(paths: string[]): Promise<() => void> {
  try {
    return await lockFiles(paths);
  } catch (err) {
    const { code, path } = err as NodeJS.ErrnoException;
    const why = code === 'EEXIST' ? `${path}.lock exists (kubectl or another kubelogin is writing it)` : (err as Error).message;
    throw new ConfigError(`unable to lock kubeconfig: ${why}; run again, or delete ${path}.lock if nothing else is running`);
  }
}

function writing<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw new ConfigError(`unable to write kubeconfig ${path}: ${(err as Error).message}; check that you may write the file and its folder`);
  }
}
