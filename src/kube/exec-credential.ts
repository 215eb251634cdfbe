// ExecCredential in (KUBERNETES_EXEC_INFO) and out (stdout), as client-go defines them.
import { UsageError } from '../errors';

export const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
export const V1 = 'client.authentication.k8s.io/v1';

export interface ExecInfo {
  apiVersion: string;
  /** spec.interactive: whether kubectl lets the plugin talk to the user (stdin is the terminal). */
  interactive: boolean | undefined;
  /** Said at -v 1: the input was odd but accepted (JSON null). */
  note?: string;
}

const REMEDY = 'KUBERNETES_EXEC_INFO must be the ExecCredential JSON kubectl sets (unset it when running kubelogin by hand)';

/**
 * Reads KUBERNETES_EXEC_INFO as client-go's JSON decoding would: `null` is no information (v1beta1,
 * noted at -v 1), any other non-object or a field of the wrong type is a one-line error.
 */
export function readExecInfo(raw: string | undefined): ExecInfo {
  if (!raw) return { apiVersion: V1BETA1, interactive: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch (err) {
    throw new UsageError(`cannot unmarshal "${shorten(raw)}" to ExecCredential: ${(err as Error).message}; ${REMEDY}`);
  }
  if (parsed === null) return { apiVersion: V1BETA1, interactive: undefined, note: `KUBERNETES_EXEC_INFO is JSON null; answering with ${V1BETA1}` };
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw wrongType(raw, 'the value', jsonType(parsed), 'an object');
  const { apiVersion: version, spec } = parsed as { apiVersion?: unknown; spec?: unknown };
  if (version !== undefined && version !== null && typeof version !== 'string') throw wrongType(raw, 'apiVersion', jsonType(version), 'a string');
  if (spec !== undefined && spec !== null && (typeof spec !== 'object' || Array.isArray(spec))) throw wrongType(raw, 'spec', jsonType(spec), 'an object');
  const interactive = (spec as { interactive?: unknown } | null | undefined)?.interactive;
  if (interactive !== undefined && interactive !== null && typeof interactive !== 'boolean') throw wrongType(raw, 'spec.interactive', jsonType(interactive), 'true or false');
  const apiVersion = version || V1BETA1;
  if (apiVersion !== V1BETA1 && apiVersion !== V1) {
    throw new UsageError(`api version: ${shorten(apiVersion)} is not supported; use ${V1} or ${V1BETA1} in the kubeconfig exec apiVersion`);
  }
  return { apiVersion, interactive: typeof interactive === 'boolean' ? interactive : undefined };
}

function wrongType(raw: string, field: string, got: string, want: string): UsageError {
  return new UsageError(`cannot unmarshal "${shorten(raw)}" to ExecCredential: ${field} is ${got}, not ${want}; ${REMEDY}`);
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** The value as quoted in an error line: it comes from the environment, so keep it short. */
function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** One line of JSON, key order kind, apiVersion, spec, status, as Azure/kubelogin prints it. */
export function formatExecCredential(apiVersion: string, token: string, expiresOnMs: number): string {
  const expirationTimestamp = rfc3339Seconds(expiresOnMs);
  return (
    JSON.stringify({
      kind: 'ExecCredential',
      apiVersion,
      spec: { interactive: false },
      status: { expirationTimestamp, token },
    }) + '\n'
  );
}

/**
 * `2026-12-07T04:12:11Z` (what toISOString gives, without the fraction). Built from the UTC fields:
 * a first toISOString() costs ~0.17 ms, a twentieth of a cache hit. Years outside 0–9999 (or an
 * invalid time) take toISOString's own form or RangeError.
 */
function rfc3339Seconds(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return d.toISOString().replace('.000Z', 'Z');
  const two = (n: number) => (n < 10 ? '0' : '') + n;
  return `${String(year).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}Z`;
}
