// Spawns msal-child.ts with the emulator's CA trusted and collects the JSON events it prints.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { tsxLoader } from '../../helpers/paths';
import type { ChildSpec } from './msal-child';

export interface ChildEvent {
  result?: Record<string, any> | null;
  error?: { name?: string; errorCode?: string; message: string };
  deviceCode?: { userCode: string; deviceCode: string; verificationUri: string; message: string; interval: number };
  authorizeUrl?: string;
  source?: string;
}

export function runMsal(
  spec: ChildSpec,
  opts: { caFile: string; env?: Record<string, string>; onEvent?: (e: ChildEvent) => void; timeoutMs?: number },
): Promise<{ code: number | null; events: ChildEvent[]; stderr: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, path.join(__dirname, 'msal-child.ts'), JSON.stringify(spec)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_EXTRA_CA_CERTS: opts.caFile, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: ChildEvent[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      if (!line.trim()) continue;
      const event = JSON.parse(line) as ChildEvent;
      events.push(event);
      opts.onEvent?.(event);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, events, stderr });
    });
  });
}

/** The results (in order) a successful child printed; fails loudly with the child's error otherwise. */
export function results(run: { code: number | null; events: ChildEvent[]; stderr: string }): Record<string, any>[] {
  const error = run.events.find((e) => e.error);
  if (run.code !== 0 || error) throw new Error(`msal child failed (${run.code}): ${JSON.stringify(error?.error)}\n${run.stderr}`);
  return run.events.filter((e) => 'result' in e).map((e) => e.result!);
}
