// The one place that says "client ID cannot be empty": each mode lists its requirements (see
// login/mode.ts); the remedy names the flag and the env vars that would set it for this run.
import type { Env } from '../cli/env';
import { envNamesFor, tokenFlag, type TokenFlag } from '../cli/flags';
import type { TokenOptions } from '../cli/options';
import { ConfigError, UsageError } from '../errors';
import type { LoginMode, Requirement } from './mode';

/** `pass --flag or set A or B` for these options (--use-azurerm-env-vars and per-mode names respected). */
export function passOrSet(flagName: string, o: TokenOptions): string {
  const names = envOf(flagName, o);
  return names ? `pass --${flagName} or set ${names}` : `pass --${flagName}`;
}

/** The env vars that would set this flag for these options: "A or B". */
export function envOf(flagName: string, o: TokenOptions): string {
  return envNamesFor(flagOf(flagName), o).join(' or ');
}

function flagOf(name: string): TokenFlag {
  const flag = tokenFlag(name);
  if (!flag) throw new Error(`no flag --${name} in the flags table`);
  return flag;
}

/** The option behind `flagName` must not be empty. `note` follows the remedy, e.g. a well-known value. */
export function option(flagName: string, label: string, note?: string): Requirement {
  return {
    problem: `${label} cannot be empty`,
    missing: (o) => !o[flagOf(flagName).field],
    remedy: (o) => (note ? `${passOrSet(flagName, o)} ${note}` : passOrSet(flagName, o)),
  };
}

/** Azure/kubelogin's credential-construction checks, in its order, each with what to do. */
export function checkRequirements(mode: LoginMode, o: TokenOptions, env: Env): void {
  const unmet = mode.requires.find((r) => r.missing(o, env));
  if (!unmet) return;
  if (mode.kind === 'user') throw new UsageError(`failed to create azidentity credential: ${unmet.problem}; ${unmet.remedy(o)}`);
  throw new ConfigError(`failed to create azidentity credential: ${unmet.problem}: ${unmet.remedy(o)}`);
}
