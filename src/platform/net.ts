// Outbound HTTP(S) for the miss path. Node 20's fetch ignores HTTPS_PROXY/HTTP_PROXY/NO_PROXY, which
// corporate build agents depend on (Go's kubelogin honours them), so when one is set requests go
// through undici's EnvHttpProxyAgent. undici is required only then (and kept out of the bundle, like
// the keyring module): a run without a proxy never loads or parses it.
import type { Dispatcher } from 'undici';
import type { Env } from '../cli/env';

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
let agent: Dispatcher | undefined;

/** fetch, through the environment's proxy when one is configured (NO_PROXY is honoured). */
export function proxiedFetch(url: string, init: RequestInit, env: Env = process.env): Promise<Response> {
  if (!PROXY_VARS.some((name) => env[name])) return fetch(url, init);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');
  agent ??= new undici.EnvHttpProxyAgent();
  return undici.fetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
}
