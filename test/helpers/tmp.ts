// Temporary directories that disappear when the process exits (or earlier, via cleanupTempDirs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const created = new Set<string>();
let hooked = false;

export function makeTempDir(prefix = 'kubelogin-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.add(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', cleanupTempDirs);
  }
  return dir;
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  created.delete(dir);
}

export function cleanupTempDirs(): void {
  for (const dir of created) removeTempDir(dir);
}

/** Runs fn with a fresh directory and removes it afterwards, whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T> | T, prefix?: string): Promise<T> {
  const dir = makeTempDir(prefix);
  try {
    return await fn(dir);
  } finally {
    removeTempDir(dir);
  }
}
