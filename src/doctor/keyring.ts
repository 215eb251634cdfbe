// The OS keyring that holds the key of MSAL's cache (refresh tokens), or the file fallback. A failure
// only when this user's cached sign-in is encrypted with a keyring key that cannot be reached now:
// then the next run cannot use it and signs in again.
import { signInKey } from '../cache/key';
import { parseEnvelope } from '../cache/crypto';
import { probeSecretService } from '../cache/dbus-probe';
import { MAX_MSAL_CACHE_BYTES, msalCacheFilePath } from '../cache/msal-plugin';
import { readBoundedText } from '../platform/read-bounded';
import { contextHint, fail, pass, type CheckResult, type Subject } from './check';

const PROBE_TIMEOUT_MS = 1_000;

export async function checkKeyring(s: Subject, probe = probeSecretService): Promise<CheckResult> {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    return pass('keyring', `OS keyring: ${process.platform === 'darwin' ? 'macOS Keychain' : 'Windows Credential Manager'} (refresh tokens encrypted with a key kept there)`);
  }
  const why = await probe(s.env.DBUS_SESSION_BUS_ADDRESS, PROBE_TIMEOUT_MS);
  if (!why) return pass('keyring', 'OS keyring: Secret Service reachable (refresh tokens encrypted with a key kept there)');
  if (encryptedSignIn(s)) {
    return fail('keyring', `OS keyring not reachable (${why}), but this user's cached sign-in is encrypted with its key: the next run cannot use it and signs in again`,
      `run where the Secret Service is unlocked (the desktop session that signed in), or sign in again without it: kubelogin remove-tokens ${contextHint(s)}`);
  }
  return pass('keyring', `no OS keyring (${why}): file fallback, refresh tokens kept in a 0600 file in the cache folder`);
}

function encryptedSignIn(s: Subject): boolean {
  const o = s.options!;
  try {
    const text = readBoundedText(msalCacheFilePath(o.cacheDir, signInKey(o, s.env)), MAX_MSAL_CACHE_BYTES, { noFollow: true });
    return parseEnvelope(text)?.alg === 'A256GCM';
  } catch {
    return false;
  }
}
