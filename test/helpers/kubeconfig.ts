// Writes single-cluster kubeconfig files for tests (js-yaml), with an exec, auth-provider or static-token user.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { kubeloginBin } from './paths';

export interface ExecSpec {
  command: string;
  args: string[];
  /** A map, or kubeconfig's own list form. */
  env?: Record<string, string> | { name: string; value: string }[];
  apiVersion?: string;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
  provideClusterInfo?: boolean;
  installHint?: string;
}

export type KubeUser =
  | { exec: ExecSpec }
  | { authProvider: { name: string; config: Record<string, string> } }
  | { token: string };

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  user: KubeUser;
  /** Context name (also used for the cluster and user names). Default 'test'. */
  context?: string;
  namespace?: string;
}

function userEntry(user: KubeUser): Record<string, unknown> {
  if ('token' in user) return { token: user.token };
  if ('authProvider' in user) return { 'auth-provider': user.authProvider };
  const { env, apiVersion = 'client.authentication.k8s.io/v1beta1', ...rest } = user.exec;
  const exec: Record<string, unknown> = { apiVersion, ...rest };
  if (env) exec.env = Array.isArray(env) ? env : Object.entries(env).map(([name, value]) => ({ name, value }));
  // kubectl requires interactiveMode for v1; v1beta1 defaults it to IfAvailable.
  if (apiVersion.endsWith('/v1') && !exec.interactiveMode) exec.interactiveMode = 'IfAvailable';
  return { exec };
}

export function kubeconfigObject(spec: KubeconfigSpec): Record<string, unknown> {
  const name = spec.context ?? 'test';
  return {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': name,
    clusters: [{ name, cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') } }],
    contexts: [{ name, context: { cluster: name, user: name, ...(spec.namespace ? { namespace: spec.namespace } : {}) } }],
    users: [{ name, user: userEntry(spec.user) }],
  };
}

export function writeKubeconfig(file: string, spec: KubeconfigSpec): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, yaml.dump(kubeconfigObject(spec), { lineWidth: -1 }), { mode: 0o600 });
  return file;
}

/** An exec user that runs this repo's bin/kubelogin by absolute path. */
export function execUser(args: string[], env?: Record<string, string>, extra: Partial<ExecSpec> = {}): { exec: ExecSpec } {
  return { exec: { command: kubeloginBin, args, ...(env ? { env } : {}), ...extra } };
}

/**
 * One kubeconfig with several contexts on one cluster, each with its own user (named like the
 * context); the first is current unless `current` says.
 */
export function writeKubeconfigContexts(
  file: string,
  server: string,
  caPem: string,
  entries: Array<{ context: string; user: KubeUser }>,
  current = entries[0].context,
): string {
  const cluster = { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': current,
    clusters: [{ name: 'cluster', cluster }],
    contexts: entries.map(({ context }) => ({ name: context, context: { cluster: 'cluster', user: context } })),
    users: entries.map(({ context, user }) => ({ name: context, user: userEntry(user) })),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, yaml.dump(doc, { lineWidth: -1 }), { mode: 0o600 });
  return file;
}

/** kubeconfig text with one user in `az aks get-credentials`' legacy form (auth-provider azure), as convert-kubeconfig meets it. */
export function azureProviderKubeconfig(user: string, ids: { serverId: string; clientId: string; tenantId: string }): string {
  return `apiVersion: v1
kind: Config
users:
- name: ${user}
  user:
    auth-provider:
      name: azure
      config:
        apiserver-id: ${ids.serverId}
        client-id: ${ids.clientId}
        tenant-id: ${ids.tenantId}
`;
}
