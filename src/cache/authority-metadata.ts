// MSAL's authority discovery answer (`<authority>/v2.0/.well-known/openid-configuration`), kept for a
// day in `<cache-dir>/metadata/` and handed back through MSAL's `authorityMetadata` option, so a miss
// after the first (a renewal, another identity of the same tenant) makes one round trip fewer. It is
// the document the authority itself served, so it is right for every cloud and any --authority-host;
// it holds no secret. Best effort both ways: an unreadable or stale copy is fetched again.
import { join } from 'node:path';
import { readPrivateFile, writeFileAtomic } from '../platform/files';
import { sha256Hex } from './sha256';

const MAX_AGE_MS = 24 * 3600_000;
const MAX_BYTES = 64 * 1024;

export interface AuthorityMetadataStore {
  /** The cached discovery document of this authority (`https://host/tenant`), if fresh. */
  read(authority: string): string | undefined;
  save(authority: string, document: string): void;
}

const canonical = (authority: string) => authority.toLowerCase().replace(/\/+$/, '');

export function authorityMetadataStore(cacheDir: string, now: () => number): AuthorityMetadataStore {
  const file = (authority: string) => join(cacheDir, 'metadata', `${sha256Hex(canonical(authority)).slice(0, 40)}.json`);
  return {
    read(authority) {
      try {
        const read = readPrivateFile(file(authority), MAX_BYTES);
        if (read.kind !== 'ok') return undefined;
        const entry = JSON.parse(read.data.toString('utf8')) as { v?: unknown; authority?: unknown; fetchedAt?: unknown; document?: unknown };
        if (entry.v !== 1 || entry.authority !== canonical(authority) || typeof entry.fetchedAt !== 'number' || typeof entry.document !== 'string') return undefined;
        if (now() - entry.fetchedAt > MAX_AGE_MS || entry.fetchedAt > now() + 60_000) return undefined;
        return entry.document;
      } catch {
        return undefined;
      }
    },
    save(authority, document) {
      try {
        writeFileAtomic(file(authority), JSON.stringify({ v: 1, authority: canonical(authority), fetchedAt: now(), document }));
      } catch {
        // Only a round trip is lost.
      }
    },
  };
}
