// --login workloadidentity: a federated token from the pod's projected file or GitHub Actions
// (login/workloadidentity.ts).
import { ENV, type Env } from '../../cli/env';
import { flagOnly } from '../convert-args';
import { defineMode, legacyPart } from '../mode';
import { option } from '../requirements';

export const workloadidentity = defineMode({
  name: 'workloadidentity',
  kind: 'app',
  requires: [
    option('client-id', 'client ID'),
    option('tenant-id', 'tenant ID'),
    {
      ...option('federated-token-file', 'federated token file', '(the workload identity webhook sets it in annotated pods)'),
      // On GitHub Actions the OIDC token is the assertion and the file is not read.
      missing: (o, env) => !o.federatedTokenFile && !githubOidc(env),
    },
  ],
  identity: (o) => ({ extra: legacyPart(o) }),
  convertArgs: (_, f) => flagOnly(f, 'client-id', 'tenant-id', 'authority-host', 'federated-token-file'),
  mayPrompt: false,
});

/** GitHub Actions' OIDC request: upstream switches to it only when both variables are non-empty. */
export function githubOidc(env: Env): { url: string; token: string } | undefined {
  const token = env[ENV.actionsIdTokenRequestToken];
  const url = env[ENV.actionsIdTokenRequestUrl];
  return token && url ? { url, token } : undefined;
}
