// The Azure CLIs the azurecli and azd modes run for a token: arguments checked before they reach a
// command line, the run under --timeout (else 30s), and their failures as one line that says what to do.
import { AuthError, ConfigError, TimeoutError, UsageError } from '../errors';
import { ProcessNotFoundError, ProcessTimeoutError, runProcess } from '../platform/spawn';
import type { LoginContext } from './types';

/** Used when neither --timeout nor AZURE_CLI_TIMEOUT was given (get-token's own default is 60s). */
const CLI_DEFAULT_TIMEOUT_MS = 30_000;

export interface CliTool {
  file: string;
  /** "Azure CLI" */
  name: string;
  /** What it runs, for messages: "az account get-access-token". */
  command: string;
  install: string;
  loginCommand: string;
  /** stderr that means "nobody is signed in". */
  notLoggedIn: RegExp;
}

// The values reach a command line (through cmd.exe on Windows): allow what ids, URIs and names use.
export const RESOURCE = /^[0-9A-Za-z_.:/-]+$/;
export const TENANT = /^[0-9A-Za-z.-]+$/;

export function checkArg(flag: string, value: string, allowed: RegExp): string {
  if (!allowed.test(value) || value.startsWith('-')) throw new UsageError(`${flag} "${value}" contains characters that cannot be passed to the CLI: use the plain id or name`);
  return value;
}

/** Runs the CLI under `--timeout`/AZURE_CLI_TIMEOUT (else 30s) and returns its stdout, or throws a one-line error. */
export async function runCli(ctx: LoginContext, tool: CliTool, args: string[]): Promise<string> {
  const timeoutMs = ctx.options.timeoutSet ? ctx.options.timeoutMs : CLI_DEFAULT_TIMEOUT_MS;
  ctx.log.v(5, `${tool.name}: running ${tool.file} ${args.join(' ')} (timeout ${timeoutMs / 1000}s)`);
  try {
    const result = await runProcess(tool.file, args, { env: ctx.env, timeoutMs, signal: ctx.signal });
    if (result.code === 0) return result.stdout;
    throw cliError(ctx, tool, result.code, result.stderr);
  } catch (err) {
    if (err instanceof ProcessNotFoundError) throw notFound(tool, err);
    if (err instanceof ProcessTimeoutError) {
      throw new TimeoutError(`${tool.name} did not answer within ${timeoutMs / 1000}s: check that \`${tool.command}\` works, or raise --timeout (AZURE_CLI_TIMEOUT)`, { cause: err });
    }
    throw err;
  }
}

function notFound(tool: CliTool, cause?: unknown): ConfigError {
  return new ConfigError(`${tool.name} not found on PATH: install it (${tool.install}) or pick another --login`, { cause });
}

function cliError(ctx: LoginContext, tool: CliTool, code: number | null, stderr: string): Error {
  // 127: a shell could not find it; cmd.exe says "is not recognized".
  if (code === 127 || /is not recognized as an internal or external command/i.test(stderr)) return notFound(tool);
  if (tool.notLoggedIn.test(stderr)) return new AuthError(`${tool.name} is not logged in: run \`${tool.loginCommand}\``, { error: 'not_logged_in' });
  const line = ctx.log.scrub(errorLine(stderr)) || `exit code ${code ?? 'signal'}`;
  // Entra ID errors (AADSTS...) reach the CLI through its own sign-in: signing in again is the fix.
  const again = /AADSTS\d+/.test(stderr) || stderr.includes(tool.loginCommand) ? ` (sign in again: run \`${tool.loginCommand}\`)` : '';
  return new AuthError(`${tool.command} failed: ${line}${again}`);
}

/** The line the CLI reports its error on ("ERROR: ..."), else the first non-empty one; shortened. */
function errorLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^ERROR:/i.test(l)) ?? lines[0] ?? '';
  const text = line.replace(/^ERROR:\s*/i, '');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export function parseJson(stdout: string, tool: CliTool): Record<string, unknown> {
  try {
    const data = JSON.parse(stdout.replace(/^\uFEFF/, '')) as unknown;
    if (data && typeof data === 'object') return data as Record<string, unknown>;
  } catch {
    // Reported below without echoing the output, which may hold a token.
  }
  throw noToken(tool, 'its output is not a JSON object');
}

export function noToken(tool: CliTool, why: string): AuthError {
  return new AuthError(`${tool.name} returned no usable token (${why}): update it (${tool.install}) or pick another --login`);
}

