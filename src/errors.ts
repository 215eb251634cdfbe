// Typed errors. Commands throw these; only main.ts prints them (one line on stderr) and exits.

/**
 * The mark of our errors. main.cjs and heavy.cjs each bundle their own copy of this module, so
 * `instanceof` fails across them; a registered symbol is the same in both, and no library error has it.
 */
const BRAND = Symbol.for('kubelogin.error');

export class KubeloginError extends Error {
  readonly exitCode: number = 1;
  declare readonly [BRAND]: true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // Set here rather than as a computed field, so a bundle that never uses these classes can drop them.
    (this as { [BRAND]: true })[BRAND] = true;
  }
}

/** Bad flags, env or input: the user can fix it by changing the command line or environment. */
export class UsageError extends KubeloginError {}

/** Something the plugin needs is not there or unusable (a file, a CLI, an endpoint). */
export class ConfigError extends KubeloginError {}

/** The identity provider (Entra ID, IMDS, az) answered with an error. */
export class AuthError extends KubeloginError {
  constructor(
    message: string,
    readonly details: { error?: string; errorCodes?: number[]; status?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A login needs a person (device code, browser) but none can be asked. */
export class InteractionRequiredError extends KubeloginError {}

/** The --timeout deadline passed. */
export class TimeoutError extends KubeloginError {}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Flattens an error to the single line main.ts prints. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** True for our typed errors, also across the two bundles; never for another library's error with an exitCode. */
export function isKubeloginError(err: unknown): err is KubeloginError {
  return err instanceof Error && (err as { [BRAND]?: unknown })[BRAND] === true;
}
