// The building blocks of convert-kubeconfig's argument rules (KUBELOGIN.md §8): the values a new
// exec entry may take from the old user entry, and the small helpers each login mode's
// convertArgs (login/modes/*.ts) is written with. Pure.
import { UsageError } from '../errors';

/** Flags given on the command line (long names), with their values after the env step. */
export type ConvertFlags = ReadonlyMap<string, string | boolean>;

/** What the new args may take from the old user entry, flags first. */
export interface ConvertValues {
  serverId: string;
  clientId: string;
  tenantId: string;
  environment: string;
  cacheDir: string;
  legacy: boolean;
  popEnabled: boolean;
  popClaims: string;
  redirectUrl: string;
  loginHint: string;
}

/** `--client-id C --tenant-id T [--environment E]`, both ids required. */
export function identityArgs(v: ConvertValues): string[] {
  return [
    '--client-id', required(v.clientId, '--client-id', 'pass --client-id'),
    '--tenant-id', required(v.tenantId, '--tenant-id', 'pass --tenant-id'),
    ...pair('--environment', v.environment),
  ];
}

/** `--pop-enabled --pop-claims P`, or nothing; one without the other is an error. */
export function popArgs(v: ConvertValues): string[] {
  if (v.popEnabled && !v.popClaims) throw new UsageError('--pop-claims is required when specifying --pop-enabled; pass --pop-claims "u=<ARM ID of the cluster>"');
  if (v.popClaims && !v.popEnabled) throw new UsageError('--pop-enabled is required when specifying --pop-claims; pass --pop-enabled');
  return v.popEnabled ? ['--pop-enabled', '--pop-claims', v.popClaims] : [];
}

/** Flags written only when given in this run, never taken from the old entry. */
export function flagOnly(flags: ConvertFlags, ...names: string[]): string[] {
  return names.flatMap((name) => (flags.has(name) ? [`--${name}`, String(flags.get(name))] : []));
}

export function pair(flag: string, value: string): string[] {
  return value ? [flag, value] : [];
}

export function bare(flag: string, on: boolean): string[] {
  return on ? [flag] : [];
}

export function required(value: string, flag: string, remedy: string): string {
  if (!value) throw new UsageError(`${flag} is required; ${remedy}`);
  return value;
}
