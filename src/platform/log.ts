// The one stderr logger. Verbosity follows klog's -v levels; every line is cleaned of terminal control
// sequences and then of secrets (registered values and token-shaped text) before it is written.
import { errorMessage, isKubeloginError, oneLine } from '../errors';

export interface Logger {
  readonly level: number;
  /** Shown at -v level or above (klog V(level)). */
  v(level: number, message: string): void;
  warn(message: string): void;
  /** Text for the person at the terminal (device code prompt); always shown, never redacted away. */
  prompt(message: string): void;
  /** Registers a value (token, secret, password, assertion) that must never be printed. */
  secret(value: string | undefined): void;
  /** The text with every registered secret and token-like value removed (for error messages). */
  scrub(text: string): string;
}

const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
// Entra ID refresh tokens and authorization codes are opaque, but start "0.A" / "1.A".
const ENTRA_OPAQUE = /\b[01]\.A[A-Za-z0-9_~.-]{20,}/g;
// Any other long opaque run (an echoed refresh token, device code, assertion): see opaque() below.
const LONG_RUN = /[A-Za-z0-9_~.-]{48,}/g;
const SECRET_KEYS =
  'access_token|refresh_token|id_token|client_secret|client_assertion|password|assertion|code|code_verifier|device_code|oidcToken|value|token|secret|x-identity-header|identity_header';
// A JSON key ("token": "…"), a form/query field (token=…) or a header line (X-IDENTITY-HEADER: …),
// never prose such as "failed to get token: …".
const FIELD = new RegExp(`((?:"(?:${SECRET_KEYS})"\\s*:\\s*"?)|(?:\\b(?:${SECRET_KEYS})=)|(?:\\b(?:x-identity-header|secret):\\s*))([^"&\\s,}]+)`, 'gi');
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi;

/**
 * Random text has upper case, lower case and digits; a path segment, host name, GUID or hex hash of
 * that length has not all three, so they stay readable.
 */
function opaque(run: string): string {
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run) ? '[REDACTED]' : run;
}

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out
    .replace(JWT, '[REDACTED-JWT]')
    .replace(ENTRA_OPAQUE, '[REDACTED]')
    .replace(AUTH_SCHEME, '$1 [REDACTED]')
    .replace(FIELD, '$1[REDACTED]')
    .replace(LONG_RUN, opaque);
}

// ESC sequences: CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), DCS/SOS/PM/APC strings, then any
// other two-byte escape; and their one-byte C1 forms (0x9b CSI, 0x9d OSC...). An upstream's text could
// otherwise set the terminal title, clear the screen, or hide what follows.
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const ESCAPE = /\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[\s\S]?)|\x9b[0-?]*[ -/]*[@-~]?|[\x90\x98\x9d-\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?/g;
// C0 controls but tab and newline, DEL, C1 controls (0x9b is a one-byte CSI), and the bidirectional
// overrides that make a terminal show text in another order than it is.
// eslint-disable-next-line no-control-regex -- likewise
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Text fit for a terminal: escape sequences and control characters removed; tabs and newlines kept. */
export function sanitize(text: string): string {
  return text.replace(ESCAPE, '').replace(CONTROL, '');
}

export function createLogger(level: number, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const secrets = new Set<string>();
  // Cleaned first: a secret split by an escape sequence must not join up again after the redaction.
  const clean = (text: string) => redact(sanitize(text), secrets);
  const emit = (prefix: string, message: string) => write(prefix + clean(message) + '\n');
  return {
    level,
    v(at, message) {
      if (level >= at) emit('', message);
    },
    warn(message) {
      emit('warning: ', message);
    },
    prompt(message) {
      const text = sanitize(message);
      write(text.endsWith('\n') ? text : text + '\n');
    },
    secret(value) {
      if (value) secrets.add(value);
    },
    scrub(text) {
      return clean(text);
    },
  };
}

/** What main.ts prints for a failed run (`Error: <one line>`) and the exit code: ours, or an unexpected error. */
export function failureOf(err: unknown): { line: string; exitCode: number } {
  const text = isKubeloginError(err) ? err.message : `unexpected error: ${errorMessage(err)}`;
  // Cleaned here too: a message may quote an upstream (az's stderr, an Entra error) with escape sequences.
  return { line: `Error: ${oneLine(sanitize(text))}\n`, exitCode: isKubeloginError(err) ? err.exitCode : 1 };
}
