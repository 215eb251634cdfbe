// Reads flag values out of an existing kubelogin exec entry's args the way get-token reads them
// (cli/argv.ts, lenient: `--flag value`, `--flag=value`, short aliases, pflag booleans; the last one
// wins). Azure/kubelogin only looks at the first exact `--flag value` pair; this reads what get-token
// really runs with.
import { lenientParse } from '../cli/argv';
import type { SetFlags } from '../cli/options';

export type ExecArgs = ReadonlyMap<string, string | boolean>;

/** The flags in command-line order (for resolveTokenOptions) and by name (last wins). */
export function parseExecArgs(args: readonly unknown[]): { flags: SetFlags; byName: ExecArgs } {
  const { flags } = lenientParse(args.map(String));
  return { flags, byName: new Map(flags) };
}

/** The string value of a flag in the old args, or "" when absent. */
export function execArg(args: ExecArgs, name: string): string {
  const value = args.get(name);
  return typeof value === 'string' ? value : '';
}
