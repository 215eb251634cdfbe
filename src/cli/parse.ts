// yargs wiring: the full parser, used off the cache-hit path. It reads the flags table and produces
// the same SetFlags the light parser (cli/argv.ts) produces, so both feed resolveTokenOptions identically.
import type { Argv, Options } from 'yargs';
import { UsageError } from '../errors';
import { klogLevel, parseBool } from './argv';
import { CONVERT_FLAGS, GLOBAL_FLAGS, REMOVE_FLAGS, REPORT_FLAGS, TOKEN_FLAGS, type FlagSpec } from './flags';
import type { SetFlags } from './options';

export type CommandName = 'get-token' | 'convert-kubeconfig' | 'remove-tokens' | 'remove-cache-dir' | 'whoami' | 'doctor';

export interface ParsedCommand {
  command: CommandName | 'help' | 'version' | 'completion';
  /** completion's shell. */
  shell?: string;
  flags: SetFlags;
  verbosity: number;
  helpText?: string;
}

/**
 * Each command's flags (besides GLOBAL_FLAGS); shell completion reads them too (src/cli/complete.ts).
 * remove-tokens takes the identity flags too: with --server-id (or --context) it removes one identity.
 */
export const COMMAND_FLAGS: Record<CommandName, readonly FlagSpec[]> = {
  'get-token': TOKEN_FLAGS,
  'convert-kubeconfig': [...TOKEN_FLAGS, ...CONVERT_FLAGS],
  'remove-tokens': [...TOKEN_FLAGS, ...REMOVE_FLAGS],
  'remove-cache-dir': [...TOKEN_FLAGS, ...REMOVE_FLAGS],
  whoami: [...TOKEN_FLAGS, ...REPORT_FLAGS],
  doctor: REPORT_FLAGS,
};

export const COMMAND_DESCRIPTIONS: Record<CommandName, string> = {
  'get-token': 'get AAD token',
  'convert-kubeconfig': 'convert kubeconfig to exec plugin format',
  'remove-tokens': 'Remove all cached tokens from filesystem (deprecated: use remove-cache-dir)',
  'remove-cache-dir': 'Remove cached authentication record and tokens from filesystem',
  whoami: 'show who the cluster sees: the token get-token would serve (for --context, the current context, or the get-token flags), decoded, never printed',
  doctor: 'check every kubeconfig user that runs kubelogin (or --context): install, inputs, cache, keyring, clock, network',
};

/** The shells `kubelogin completion` writes a script for. */
export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export const COMPLETION_DESCRIPTION = 'print a shell completion script: bash, zsh, fish or powershell (see docs/completion.md)';
export const HELP_DESCRIPTION = 'help about any command: kubelogin help [command]';

function toYargs(spec: FlagSpec): Options {
  return {
    alias: spec.alias,
    type: spec.type === 'boolean' ? 'boolean' : 'string',
    describe: spec.describe,
    requiresArg: spec.type !== 'boolean',
    hidden: spec.hidden,
    deprecated: spec.deprecated,
  };
}

function addFlags(y: Argv, specs: readonly FlagSpec[]): Argv {
  for (const spec of specs) y = y.option(spec.name, toYargs(spec));
  return y;
}

/** Where a flag last appears in argv, so repeated or aliased flags resolve "last one wins" like pflag. */
function lastPosition(argv: string[], spec: FlagSpec): number {
  const forms = [`--${spec.name}`, ...(spec.alias ? [`-${spec.alias}`] : [])];
  let at = -1;
  argv.forEach((a, i) => {
    if (forms.some((f) => a === f || a.startsWith(f + '='))) at = i;
  });
  return at;
}

function collect(argv: string[], args: Record<string, unknown>, specs: readonly FlagSpec[]): SetFlags {
  const found: Array<[number, string, string | boolean]> = [];
  for (const spec of specs) {
    const pos = lastPosition(argv, spec);
    if (pos < 0 || args[spec.name] === undefined) continue;
    const value = args[spec.name];
    found.push([pos, spec.name, spec.type === 'boolean' ? boolValue(argv[pos], spec, value === true) : String(value)]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, name, value]) => [name, value]);
}

/** `--flag=value` as pflag reads it (strconv.ParseBool: `=1`, `=t`, `=True`...; yargs reads `=1` as false). */
function boolValue(token: string, spec: FlagSpec, yargsValue: boolean): boolean {
  const eq = token.indexOf('=');
  if (eq < 0) return yargsValue;
  const text = token.slice(eq + 1);
  const value = parseBool(text);
  if (value === undefined) {
    throw new UsageError(`invalid argument "${text}" for "--${spec.name}" flag: strconv.ParseBool: parsing "${text}": invalid syntax; use --${spec.name} or --${spec.name}=false`);
  }
  return value;
}

export async function parseCommandLine(argv: string[], version: string): Promise<ParsedCommand> {
  // `kubelogin help [command]` is `kubelogin [command] --help`, as in cobra-built tools.
  if (argv[0] === 'help') return parseCommandLine([...helpTarget(argv.slice(1)), '--help'], version);
  let result: ParsedCommand | undefined;
  let printed = '';
  const done = (command: CommandName) => (args: Record<string, unknown>) => {
    result = { command, flags: collect(argv, args, COMMAND_FLAGS[command]), verbosity: verbosityOf(args.v) };
  };
  // Required here, not imported: a get-token miss never parses with yargs (src/heavy.ts), so it never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require('yargs') as typeof import('yargs').default;
  let y: Argv = yargs(argv)
    .scriptName('kubelogin')
    .usage('login to azure active directory and populate kubeconfig with AAD tokens\n\nUsage: $0 <command> [flags]')
    .parserConfiguration({
      'camel-case-expansion': false,
      'dot-notation': false,
      'duplicate-arguments-array': false,
      'boolean-negation': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'short-option-groups': false,
      'strip-aliased': true,
    })
    .version(false)
    .option('version', { type: 'boolean', describe: 'version for kubelogin' })
    .help('help')
    .alias('help', 'h')
    .strict()
    .wrap(Math.min(160, process.stdout.columns || 160))
    .exitProcess(false)
    .fail((msg, err) => {
      throw err instanceof UsageError ? err : new UsageError(`${pflagWording(msg ?? err?.message ?? '', argv)}; run kubelogin --help for the commands and flags`);
    });
  y = addFlags(y, GLOBAL_FLAGS);
  for (const command of Object.keys(COMMAND_FLAGS) as CommandName[]) {
    y = y.command(command, COMMAND_DESCRIPTIONS[command], (c) => addFlags(c, COMMAND_FLAGS[command]), done(command));
  }
  y = y.command('completion <shell>', COMPLETION_DESCRIPTION, (c) => c.positional('shell', { type: 'string', describe: SHELLS.join(', ') }), (args) => {
    const shell = String(args.shell);
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`no completion for the shell "${shell}": run kubelogin completion ${SHELLS.join('|')}`);
    result = { command: 'completion', flags: [], verbosity: verbosityOf(args.v), shell };
  });
  y = y.command('help [command]', HELP_DESCRIPTION);
  const parsed = (await y.parseAsync(argv, {}, (_err, _argv, output) => {
    printed = output;
  })) as Record<string, unknown>;
  if (printed) return { command: 'help', flags: [], verbosity: 0, helpText: printed };
  if (result) return result;
  if (parsed.version) return { command: 'version', flags: [], verbosity: 0, helpText: version };
  const positional = (parsed._ as unknown[]) ?? [];
  if (positional.length) throw new UsageError(`unknown command "${String(positional[0])}" for "kubelogin"; run kubelogin --help for the commands`);
  return { command: 'help', flags: [], verbosity: 0, helpText: await y.getHelp() };
}

function helpTarget(args: string[]): string[] {
  if (args.length > 1) throw new UsageError(`help takes at most one command, got "${args.join(' ')}"; run kubelogin help <command>`);
  const known = [...Object.keys(COMMAND_FLAGS), 'completion', 'help'];
  if (args.length && !known.includes(args[0])) throw new UsageError(`unknown command "${args[0]}" for "kubelogin"; run kubelogin help for the commands`);
  return args[0] === 'help' ? [] : args;
}

/** yargs' wording → the pflag wording Azure/kubelogin users see. */
function pflagWording(msg: string, argv: string[]): string {
  const unknown = /^Unknown arguments?: (.+)$/.exec(msg);
  if (unknown) {
    const name = unknown[1].split(', ')[0];
    if (argv[0] === name) return `unknown command "${name}" for "kubelogin"`;
    if (argv.includes(name)) return `unexpected argument "${name}"`;
    return `unknown flag: ${name.length === 1 ? `-${name}` : `--${name}`}`;
  }
  if (/^Not enough non-option arguments/.test(msg) && argv[0] === 'completion') return `completion needs a shell: run kubelogin completion ${SHELLS.join('|')}`;
  const missing = /^Not enough arguments following: (.+)$/.exec(msg);
  if (missing) return `flag needs an argument: --${missing[1]}`;
  return msg;
}

/** -v's level, or pflag's error line for a value klog rejects. */
function verbosityOf(v: unknown): number {
  if (v === undefined) return 0;
  // yargs gives -v as a string (its type in the flags table).
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const level = klogLevel(text);
  if (typeof level === 'number') return level;
  throw new UsageError(`invalid argument "${text}" for "-v, --v" flag: strconv.ParseInt: parsing "${text}": ${level}; use a number such as -v 5`);
}
