// Reads flag values out of an existing kubelogin exec entry's args, parsed the way get-token (pflag)
// parses them: `--flag value`, `--flag=value`, the short aliases, bare booleans; the last one wins.
// Azure/kubelogin only looks at the first exact `--flag value` pair; this reads what get-token really ran with.

import { GLOBAL_FLAGS, TOKEN_FLAGS } from '../cli/flags';

export type ExecArgs = ReadonlyMap<string, string | boolean>;

const FLAGS = [...TOKEN_FLAGS, ...GLOBAL_FLAGS];
const BOOLEAN_FLAGS = new Set(FLAGS.filter((f) => f.type === 'boolean').map((f) => f.name));
const SHORT_FLAGS: Record<string, string> = Object.fromEntries(FLAGS.filter((f) => f.alias).map((f) => [f.alias, f.name]));
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function parseExecArgs(args: readonly unknown[]): ExecArgs {
  const out = new Map<string, string | boolean>();
  for (let i = 0; i < args.length; i++) {
    const arg = String(args[i]);
    if (arg === '--') break;
    const match = /^(--?)([^=]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) continue;
    const name = match[1] === '--' ? match[2] : SHORT_FLAGS[match[2]] ?? match[2];
    const inline = match[3];
    if (BOOLEAN_FLAGS.has(name)) out.set(name, inline === undefined || TRUE.has(inline));
    else if (inline !== undefined) out.set(name, inline);
    else if (i + 1 < args.length) out.set(name, String(args[++i]));
  }
  return out;
}

/** The string value of a flag in the old args, or "" when absent. */
export function execArg(args: ExecArgs, name: string): string {
  const value = args.get(name);
  return typeof value === 'string' ? value : '';
}
