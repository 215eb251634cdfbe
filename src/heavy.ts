// Everything off the cache-hit path: yargs, the commands, and through them MSAL, jose, js-yaml.
import { parseCommandLine, type ParsedCommand } from './cli/parse';
import { resolveTokenOptions, validateTokenOptions, type SetFlags } from './cli/options';
import type { Env } from './cli/env';
import { getToken } from './commands/get-token';
import type { Handover } from './commands/get-token-light';
import { completeCommand, completionScript } from './commands/completion';
import { convertKubeconfig } from './commands/convert-kubeconfig';
import { removeTokens } from './commands/remove-tokens';
import { whoami, type OutputFormat } from './commands/whoami';
import { doctor } from './commands/doctor';
import { REPORT_FLAGS } from './cli/flags';
import { UsageError } from './errors';
import { rerunSelf } from './platform/rerun';
import { createLogger, type Logger } from './platform/log';
import { VERSION_TEXT } from './version';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** The clock (epoch ms); Date.now unless a test runs get-token in-process with a fake one. */
  now?: () => number;
}

function valueOf(flags: SetFlags, name: string): string | undefined {
  const hit = flags.filter(([n]) => n === name).pop();
  return hit === undefined ? undefined : String(hit[1]);
}

/**
 * Resolves to the exit code (whoami and doctor have their own); throws the errors main.ts prints.
 * `handover`: what the light bundle left for get-token: its start (the deadline's origin), the flags as
 * the light parser read them (it declines anything it is not sure of, and a test keeps both parsers in
 * agreement, so a miss does not load and run yargs), and how its wait for the identity's lock ended.
 */
export async function run(argv: string[], env: Env, io: Io, handover: Handover = { startedAt: Date.now() }): Promise<number> {
  // Shell completion on every TAB: no yargs (src/cli/complete.ts reads the flags tables directly).
  if (argv[0] === '__complete') {
    io.stdout(completeCommand(argv.slice(1), env));
    return 0;
  }
  const { quick } = handover;
  const parsed: ParsedCommand = quick && argv[0] === 'get-token'
    ? { command: 'get-token', ...quick }
    : await parseCommandLine(argv, VERSION_TEXT);
  const log = createLogger(parsed.verbosity, io.stderr);
  try {
    return (await dispatch(parsed, env, io, log, handover)) ?? 0;
  } catch (err) {
    if (err instanceof Error) err.message = log.scrub(err.message);
    throw err;
  }
}

const REPORT_FLAG_NAMES = new Set(REPORT_FLAGS.map((f) => f.name));

function outputFormat(flags: SetFlags): OutputFormat {
  const value = valueOf(flags, 'output') ?? 'table';
  if (value !== 'table' && value !== 'json') throw new UsageError(`unknown output format "${value}": use -o table or -o json`);
  return value;
}

async function dispatch(parsed: ParsedCommand, env: Env, io: Io, log: Logger, handover: Handover): Promise<number | void> {
  // pflag prints this wherever --token-cache-dir is the deprecated spelling (remove-tokens owns it).
  if (parsed.command !== 'remove-tokens' && parsed.flags.some(([n]) => n === 'token-cache-dir')) io.stderr('Flag --token-cache-dir has been deprecated, use --cache-dir instead\n');
  const deps = { env, log, stdout: io.stdout };
  switch (parsed.command) {
    case 'completion':
      io.stdout(completionScript(parsed.shell!));
      return;
    case 'help':
    case 'version':
      io.stdout(parsed.helpText!.endsWith('\n') ? parsed.helpText! : parsed.helpText + '\n');
      return;
    case 'get-token': {
      const { options } = resolveTokenOptions(parsed.flags, env);
      validateTokenOptions(options);
      const now = io.now ?? Date.now;
      io.stdout(await getToken(options, { env, log, now, stdinIsTTY: io.stdinIsTTY, stderrIsTTY: io.stderrIsTTY, handover }));
      return;
    }
    case 'convert-kubeconfig': {
      const { options, setFlags } = resolveTokenOptions(parsed.flags, env);
      validateTokenOptions(options);
      await convertKubeconfig(
        { options, setFlags, kubeconfig: valueOf(parsed.flags, 'kubeconfig'), context: valueOf(parsed.flags, 'context'), azureConfigDir: valueOf(parsed.flags, 'azure-config-dir'), dryRun: valueOf(parsed.flags, 'dry-run') === 'true' },
        deps,
      );
      return;
    }
    case 'remove-tokens':
    case 'remove-cache-dir': {
      const { options, setFlags } = resolveTokenOptions(parsed.flags, env);
      const identity = setFlags.has('server-id') ? options : undefined;
      if (identity) validateTokenOptions(identity);
      await removeTokens({ cacheDir: options.cacheDir, identity, context: valueOf(parsed.flags, 'context'), kubeconfig: valueOf(parsed.flags, 'kubeconfig') }, deps);
      return;
    }
    case 'whoami':
      return whoami(
        {
          flags: parsed.flags.filter(([n]) => !REPORT_FLAG_NAMES.has(n)),
          kubeconfig: valueOf(parsed.flags, 'kubeconfig'),
          context: valueOf(parsed.flags, 'context'),
          output: outputFormat(parsed.flags),
          verbosity: parsed.verbosity ? String(parsed.verbosity) : undefined,
        },
        { ...deps, now: io.now ?? Date.now, stdinIsTTY: io.stdinIsTTY, stderrIsTTY: io.stderrIsTTY, rerun: rerunSelf },
      );
    case 'doctor':
      return doctor({ kubeconfig: valueOf(parsed.flags, 'kubeconfig'), context: valueOf(parsed.flags, 'context'), output: outputFormat(parsed.flags) }, { ...deps, now: Date.now });
  }
}
