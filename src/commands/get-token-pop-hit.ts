// The PoP cache hit, bundled alone as dist/pop.cjs and loaded only for --pop-enabled (for an indexed
// invocation by dist/start.cjs right after the fast hit, else by the light bundle): reads the
// identity's sealed key + access token and signs a fresh PoP token with node:crypto, without the
// network, jose, MSAL or the heavy bundle. The keyring is asked only when the entry is encrypted (a
// desktop with a Secret Service); anything unusual is a miss for the full path.
import type { Env } from '../cli/env';
import { loadEncryptionKey } from '../cache/keyring';
import { popFilePath, readPopEntry } from '../cache/pop-entry';
import { isFresh } from '../cache/token-file';
import { formatExecCredential } from '../kube/exec-credential';
import { parsePopClaims } from '../login/pop';
import { popKid, signPopToken } from '../login/pop-token';
import { createLogger } from '../platform/log';

export interface PopHitInput {
  cacheDir: string;
  popClaims: string;
  /** For the -v 5 line; the fast path (verbosity 0) has none. */
  loginMethod?: string;
  key: string;
  apiVersion: string;
  env: Env;
  now: () => number;
  verbosity: number;
  stderr: (text: string) => void;
}

export async function popCacheHit(input: PopHitInput): Promise<string | undefined> {
  const { cacheDir, key, env, now } = input;
  const { u } = parsePopClaims(input.popClaims);
  const log = createLogger(input.verbosity, input.stderr);
  const encryptionKey = () => loadEncryptionKey({ env, log, cacheDir });
  const read = await readPopEntry(popFilePath(cacheDir, key), key, encryptionKey);
  if (read.kind !== 'ok' || !isFresh(read.entry, now())) return undefined;
  const kid = read.entry.kid ?? popKid(read.entry.key);
  const token = signPopToken(read.entry.key, read.entry.token, u, now(), kid);
  log.v(5, `get-token: login=${input.loginMethod} PoP token signed with the cached key ${kid} (key ${key}, expires ${new Date(read.entry.expiresOn).toISOString()})`);
  return formatExecCredential(input.apiVersion, token, read.entry.expiresOn);
}
