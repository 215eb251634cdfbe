// The one stderr logger. Verbosity follows klog's -v levels; every line passes redaction first.

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
const SECRET_KEYS = 'access_token|refresh_token|id_token|client_secret|client_assertion|password|assertion|code|device_code|oidcToken|value|token';
// A JSON key ("token": "…") or a form/query field (token=…), never prose such as "failed to get token: …".
const FIELD = new RegExp(`((?:"(?:${SECRET_KEYS})"\\s*:\\s*"?)|(?:\\b(?:${SECRET_KEYS})=))([^"&\\s,}]+)`, 'gi');

export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out.replace(JWT, '[REDACTED-JWT]').replace(FIELD, '$1[REDACTED]');
}

export function createLogger(level: number, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const secrets = new Set<string>();
  const emit = (prefix: string, message: string) => write(prefix + redact(message, secrets) + '\n');
  return {
    level,
    v(at, message) {
      if (level >= at) emit('', message);
    },
    warn(message) {
      emit('warning: ', message);
    },
    prompt(message) {
      write(message.endsWith('\n') ? message : message + '\n');
    },
    secret(value) {
      if (value) secrets.add(value);
    },
    scrub(text) {
      return redact(text, secrets);
    },
  };
}
