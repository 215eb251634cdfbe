// The pflag-style reading of get-token's flags over the flags table, in two strengths: light
// (the cache-hit path, where yargs would cost more than the whole run: it returns undefined for
// anything it is not sure about, and the full yargs path then takes over and reports it) and
// lenient (kube/exec-args.ts: the args of an existing kubeconfig entry, read as get-token reads them).
import { flagByName, GET_TOKEN_FLAGS } from './flags';
import type { SetFlags } from './options';

export interface LightArgs {
  flags: SetFlags;
  verbosity: number;
}

// strconv.ParseBool, which pflag uses for boolean flags.
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** pflag's reading of a boolean flag's `=value`, or undefined when pflag rejects it. */
export function parseBool(text: string): boolean | undefined {
  return TRUE.has(text) ? true : FALSE.has(text) ? false : undefined;
}

/** The light parser: get-token's argv (after the subcommand), or undefined to leave it to yargs. */
export function lightParse(args: readonly string[]): LightArgs | undefined {
  return scan(args, true);
}

/** The lenient reading: what it cannot read is skipped, `--` ends it; the last of a repeated flag wins. */
export function lenientParse(args: readonly string[]): LightArgs {
  return scan(args, false)!;
}

function scan(args: readonly string[], strict: boolean): LightArgs | undefined {
  const flags: SetFlags = [];
  let verbosity = 0;
  for (let i = 0; i < args.length; i++) {
    if (!strict && args[i] === '--') break;
    const m = /^(--?)([A-Za-z][\w-]*)(?:=([\s\S]*))?$/.exec(args[i]);
    const spec = m ? flagByName(GET_TOKEN_FLAGS, m[2]) : undefined;
    // A single dash takes only a short alias (and klog's -v); the lenient reading accepts `-login` too.
    if (!m || !spec || (strict && m[1] === '-' && spec.alias !== m[2] && spec.name !== 'v')) {
      if (strict) return undefined;
      if (m && m[3] === undefined && !spec && i + 1 < args.length) i++; // an unknown flag's value
      continue;
    }
    let value: string | boolean;
    if (spec.type === 'boolean') {
      const parsed = m[3] === undefined ? true : parseBool(m[3]);
      if (parsed === undefined && strict) return undefined;
      value = parsed ?? false;
    } else if (m[3] !== undefined) value = m[3];
    // yargs would reject "--flag -x"; pflag (and so a kubeconfig written for it) takes "-x" as the value.
    else if (i + 1 < args.length && (!strict || !args[i + 1].startsWith('-'))) value = args[++i];
    else if (strict) return undefined;
    else continue;

    if (spec.name === 'v') {
      const level = klogLevel(String(value));
      if (typeof level !== 'number') {
        if (strict) return undefined;
        continue;
      }
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
