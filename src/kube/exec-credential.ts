// ExecCredential in (KUBERNETES_EXEC_INFO) and out (stdout), as client-go defines them.
import { UsageError } from '../errors';

export const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
export const V1 = 'client.authentication.k8s.io/v1';

export interface ExecInfo {
  apiVersion: string;
  /** spec.interactive: whether kubectl lets the plugin talk to the user (stdin is the terminal). */
  interactive: boolean | undefined;
}

/** Reads KUBERNETES_EXEC_INFO; throws a UsageError for what kubelogin also rejects. */
export function readExecInfo(raw: string | undefined): ExecInfo {
  if (!raw) return { apiVersion: V1BETA1, interactive: undefined };
  let parsed: { apiVersion?: unknown; spec?: { interactive?: unknown } };
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new UsageError(`cannot unmarshal "${raw}" to ExecCredential: ${(err as Error).message}; KUBERNETES_EXEC_INFO must be the JSON kubectl sets`);
  }
  const apiVersion = typeof parsed?.apiVersion === 'string' && parsed.apiVersion ? parsed.apiVersion : V1BETA1;
  if (apiVersion !== V1BETA1 && apiVersion !== V1) {
    throw new UsageError(`api version: ${apiVersion} is not supported; use ${V1} or ${V1BETA1} in the kubeconfig exec apiVersion`);
  }
  const interactive = parsed?.spec?.interactive;
  return { apiVersion, interactive: typeof interactive === 'boolean' ? interactive : undefined };
}

/** One line of JSON, key order kind, apiVersion, spec, status, as Azure/kubelogin prints it. */
export function formatExecCredential(apiVersion: string, token: string, expiresOnMs: number): string {
  const expirationTimestamp = new Date(Math.floor(expiresOnMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return (
    JSON.stringify({
      kind: 'ExecCredential',
      apiVersion,
      spec: { interactive: false },
      status: { expirationTimestamp, token },
    }) + '\n'
  );
}
