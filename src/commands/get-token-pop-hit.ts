// The PoP cache hit, bundled alone as dist/pop.cjs and loaded only for --pop-enabled (by dist/start.cjs
// right after the fast hit for an indexed invocation whose entry is sealed, else by the light bundle):
// reads the identity's key + access token and signs a fresh PoP token with node:crypto, without the
// network, jose, MSAL or the heavy bundle. The keyring is asked only when the entry is encrypted (a
// desktop with a Secret Service); anything unusual is a miss for the full path. A plain entry of an
// indexed invocation never comes here: bin/kubelogin's fast hit signs it itself.
import type { Env } from '../cli/env';
import { loadEncryptionKey } from '../cache/keyring';
import { popFilePath, readPopEntry } from '../cache/pop-entry';
import { isFresh } from '../cache/token-file';
import { popKid } from '../login/pop-token';
import { createLogger } from '../platform/log';
import { signedPopCredential } from './get-token-fast';

export interface PopHitInput {
  cacheDir: string;
  /** The cluster the PoP token is for: the `u` of --pop-claims. */
  u: string;
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
  const log = createLogger(input.verbosity, input.stderr);
  const encryptionKey = () => loadEncryptionKey({ env, log, cacheDir });
  const read = await readPopEntry(popFilePath(cacheDir, key), key, encryptionKey);
  if (read.kind !== 'ok' || !isFresh(read.entry, now())) return undefined;
  // The kid once, for the signature and the log line (an entry without one is hashed here, not twice).
  const kid = read.entry.kid ?? popKid(read.entry.key);
  const credential = signedPopCredential({ ...read.entry, kid }, input.u, input.apiVersion, now());
  log.v(5, `get-token: login=${input.loginMethod} PoP token signed with the cached key ${kid} (key ${key}, expires ${new Date(read.entry.expiresOn).toISOString()})`);
  return credential;
}
