// --login azd: the Azure Developer CLI's sign-in (login/azd.ts).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ENV, type Env } from '../../cli/env';
import { homeDir } from '../../platform/home';
import { flagOnly } from '../convert-args';
import { defineMode } from '../mode';

export const azd = defineMode({
  name: 'azd',
  kind: 'app',
  requires: [],
  identity: (_, env) => ({ authorityHost: '', clientId: '', extra: `azd:${azdSignIn(env)}` }),
  identityFiles: (env) => [azdConfigPath(env)],
  convertArgs: (_, f) => flagOnly(f, 'tenant-id'),
  mayPrompt: false,
});

/** azd's config: $AZD_CONFIG_DIR/config.json, else ~/.azd/. */
export function azdConfigPath(env: Env): string {
  return join(env[ENV.azdConfigDir] || join(homeDir(env), '.azd'), 'config.json');
}

/**
 * azd's sign-in state, as cheaply as one stat: `azd auth login` and `azd auth logout` rewrite its
 * config.json, so a new mtime/size means a new key and a fresh `azd auth token` call.
 */
export function azdSignIn(env: Env): string {
  try {
    const st = statSync(azdConfigPath(env));
    return `${st.mtimeMs}:${st.size}`;
  } catch {
    return 'none';
  }
}
