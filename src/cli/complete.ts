// What `kubelogin __complete <words…>` offers for the last word, from the same tables the parsers read:
// subcommands, each command's flags, --login and --environment values, shells, and --context names
// (from a lister the caller passes). One candidate per line, `value<TAB>description`; the single line
// `:files` asks the shell for its own file-name completion. The shell scripts are in commands/completion.ts.
import { COMMAND_DESCRIPTIONS, COMMAND_FLAGS, COMPLETION_DESCRIPTION, HELP_DESCRIPTION, SHELLS, type CommandName } from './parse';
import { LOGIN_METHODS } from '../login/methods';
import { GLOBAL_FLAGS, flagByName, type FlagSpec } from './flags';

export const FILES = ':files';

export interface Candidate {
  value: string;
  description?: string;
}

/** --context names of the kubeconfig the command line names (--kubeconfig), else $KUBECONFIG / ~/.kube/config. */
export type ContextLister = (kubeconfig: string | undefined) => string[];

const SUBCOMMANDS: Candidate[] = [
  ...Object.entries(COMMAND_DESCRIPTIONS).map(([value, description]) => ({ value, description })),
  { value: 'completion', description: COMPLETION_DESCRIPTION },
  { value: 'help', description: HELP_DESCRIPTION },
];
const TOP_FLAGS: Candidate[] = [{ value: '--help', description: 'help for kubelogin' }, { value: '--version', description: 'version for kubelogin' }];
const ENVIRONMENTS = ['AzurePublicCloud', 'AzureChinaCloud', 'AzureUSGovernmentCloud'];
const OUTPUTS = ['table', 'json'];
/** String flags whose value is a path: the shell completes file names. */
const PATH_FLAGS = new Set(['kubeconfig', 'cache-dir', 'token-cache-dir', 'client-certificate', 'federated-token-file', 'azure-config-dir']);

export function complete(words: string[], listContexts: ContextLister): Candidate[] {
  const cur = words.length ? words[words.length - 1] : '';
  const { command, positionals, pending, kubeconfig } = scan(words.slice(0, -1));
  if (pending) return valuesFor(pending, cur, kubeconfig, listContexts);
  const inline = /^--([\w-]+)=([\s\S]*)$/.exec(cur);
  if (inline) {
    const spec = flagsOf(command).find((f) => f.name === inline[1] && f.type === 'string');
    return spec ? valuesFor(spec, inline[2], kubeconfig, listContexts).map((c) => (c.value === FILES ? c : { ...c, value: `--${spec.name}=${c.value}` })) : [];
  }
  if (!command) return matching(cur.startsWith('-') ? TOP_FLAGS : SUBCOMMANDS, cur);
  if (command === 'help') return positionals.length ? [] : matching(SUBCOMMANDS, cur);
  if (command === 'completion') return positionals.length ? [] : matching(SHELLS.map((value) => ({ value })), cur);
  if (!cur.startsWith('-')) return [];
  // Global klog flags (-v, --logtostderr) are accepted but not offered: noise next to the command's own.
  const flags = flagsOf(command).filter((f) => !f.hidden && !f.deprecated && !GLOBAL_FLAGS.includes(f));
  return matching([...flags.map((f) => ({ value: `--${f.name}`, description: summary(f.describe) })), { value: '--help', description: `help for ${command}` }], cur);
}

/** Formats candidates for the scripts: `value<TAB>description` lines. */
export function formatCandidates(candidates: Candidate[]): string {
  return candidates.map((c) => (c.description ? `${c.value}\t${c.description}` : c.value)).join('\n') + (candidates.length ? '\n' : '');
}

interface Scan {
  command?: string;
  positionals: string[];
  /** A string flag still waiting for its value (the word being completed). */
  pending?: FlagSpec;
  kubeconfig?: string;
}

function scan(done: string[]): Scan {
  const out: Scan = { positionals: [] };
  for (const word of done) {
    if (out.pending) {
      if (out.pending.name === 'kubeconfig') out.kubeconfig = word;
      out.pending = undefined;
      continue;
    }
    const flag = /^--?([\w-]+)(=([\s\S]*))?$/.exec(word);
    if (flag) {
      const spec = flagByName(flagsOf(out.command), flag[1]);
      if (spec?.name === 'kubeconfig' && flag[2]) out.kubeconfig = flag[3];
      if (spec?.type === 'string' && !flag[2]) out.pending = spec;
      continue;
    }
    if (!out.command) out.command = word;
    else out.positionals.push(word);
  }
  return out;
}

function flagsOf(command: string | undefined): FlagSpec[] {
  const own = command && command in COMMAND_FLAGS ? COMMAND_FLAGS[command as CommandName] : [];
  return [...own, ...GLOBAL_FLAGS];
}

function valuesFor(spec: FlagSpec, cur: string, kubeconfig: string | undefined, listContexts: ContextLister): Candidate[] {
  if (PATH_FLAGS.has(spec.name)) return [{ value: FILES }];
  const values = (list: readonly string[]) => matching(list.map((value) => ({ value })), cur);
  switch (spec.name) {
    case 'login':
      return values(LOGIN_METHODS);
    case 'environment':
      return values(ENVIRONMENTS);
    case 'output':
      return values(OUTPUTS);
    case 'context':
      return values(listContexts(kubeconfig));
    default:
      return [];
  }
}

function matching(candidates: Candidate[], prefix: string): Candidate[] {
  return candidates.filter((c) => c.value.startsWith(prefix));
}

/** A flag's description up to its first sentence, for the shells that show one. */
function summary(describe: string): string {
  return describe.split(/\. /)[0].replace(/\s+/g, ' ').slice(0, 100);
}
