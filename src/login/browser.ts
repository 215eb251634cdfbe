// Opens the sign-in page: each $BROWSER entry in turn, else the platform's opener; the URL also goes to
// stderr, so a user without a browser (SSH, containers) can open it elsewhere. Never touches stdout.
import { spawn } from 'node:child_process';
import type { Env } from '../cli/env';
import type { Logger } from '../platform/log';

export interface BrowserDeps {
  env: Env;
  log: Logger;
}

/** How long a browser command may run before we take it as started (xdg-open returns at once; some browsers stay). */
const SETTLE_MS = 1500;

export async function openBrowser(url: string, deps: BrowserDeps): Promise<void> {
  for (const argv of openers(url, deps.env, process.platform)) {
    if (await launch(argv, deps)) {
      deps.log.prompt(`A browser has been opened to sign in. If it did not open, visit: ${url}`);
      return;
    }
  }
  deps.log.prompt(`Open this URL in a browser to sign in: ${url}`);
}

/** $BROWSER is a colon-separated list of commands; `%s` stands for the URL, else the URL is appended. */
export function openers(url: string, env: Env, platform: NodeJS.Platform): string[][] {
  const fromEnv = (env.BROWSER ?? '')
    .split(':')
    .map((entry) => entry.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
    .map((words) => (words.some((w) => w.includes('%s')) ? words.map((w) => w.replaceAll('%s', url)) : [...words, url]));
  if (fromEnv.length > 0) return fromEnv;
  if (platform === 'darwin') return [['open', url]];
  // rundll32 passes the URL untouched, where `cmd /c start` would split it at every `&`.
  if (platform === 'win32') return [['rundll32', 'url.dll,FileProtocolHandler', url]];
  return [['xdg-open', url], ['wslview', url]];
}

/** True when the command started and did not fail within SETTLE_MS. */
function launch(argv: string[], deps: BrowserDeps): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore', detached: true, env: deps.env });
    const timer = setTimeout(() => done(true), SETTLE_MS);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      child.removeAllListeners();
      child.unref();
      resolve(ok);
    };
    child.once('error', (err) => {
      deps.log.v(5, `browser: ${argv[0]}: ${err.message}`);
      done(false);
    });
    child.once('exit', (code) => {
      deps.log.v(5, `browser: ${argv[0]} exited with ${code}`);
      done(code === 0);
    });
  });
}
