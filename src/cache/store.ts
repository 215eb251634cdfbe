// Writes the per-identity access-token file (strict: atomic, 0600, in a 0700 folder).
import { writeFileAtomic } from '../platform/files';
import type { CachedToken } from './token-file';

export function writeTokenFile(file: string, entry: CachedToken): void {
  writeFileAtomic(file, JSON.stringify(entry));
}
