// A small pflag-compatible tokenizer over the flags table, for the cache-hit path, where yargs would
// cost more than the whole run. It returns undefined for anything it is not sure about (help,
// unknown flags, positional words); the caller then takes the full yargs path.
import { GLOBAL_FLAGS, TOKEN_FLAGS, flagByName, type FlagSpec } from './flags';
import type { SetFlags } from './options';

const KNOWN: FlagSpec[] = [...TOKEN_FLAGS, ...GLOBAL_FLAGS];

export interface QuickArgs {
  flags: SetFlags;
  verbosity: number;
}

export function quickParse(args: string[]): QuickArgs | undefined {
  const flags: SetFlags = [];
  let verbosity = 0;
  for (let i = 0; i < args.length; i++) {
    const m = /^(--?)([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(args[i]);
    if (!m) return undefined;
    const spec = flagByName(KNOWN, m[2]);
    if (!spec || (m[1] === '-' && spec.alias !== m[2] && spec.name !== 'v')) return undefined;
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (m[3] === undefined) value = true;
      else if (m[3] === 'true' || m[3] === 'false') value = m[3] === 'true';
      else return undefined;
    } else if (m[3] !== undefined) value = m[3];
    else if (i + 1 < args.length && !args[i + 1].startsWith('-')) value = args[++i];
    else return undefined; // yargs would reject "--flag -x"; let it say so

    if (spec.name === 'v') {
      const level = klogLevel(String(value));
      if (typeof level !== 'number') return undefined;
      verbosity = level;
    } else if (spec.name !== 'logtostderr') flags.push([spec.name, value]);
  }
  return { flags, verbosity };
}

/** klog's -v is a Level: strconv.ParseInt(text, 10, 32); a negative level logs nothing, like 0. Else ParseInt's complaint. */
export function klogLevel(text: string): number | 'invalid syntax' | 'value out of range' {
  if (!/^[+-]?\d+$/.test(text)) return 'invalid syntax';
  const n = Number(text);
  if (n > 2 ** 31 - 1 || n < -(2 ** 31)) return 'value out of range';
  return Math.max(n, 0);
}
