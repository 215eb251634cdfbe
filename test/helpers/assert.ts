// What a finished bin/kubelogin run must look like: one ExecCredential line on success, one `Error:` line on
// failure; and the claims of the tokens it prints.
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Emulator } from '../emulator';
import type { RunResult } from './run';

export type Finished = Pick<RunResult, 'code' | 'stdout' | 'stderr'>;

export interface ExecCredential {
  apiVersion: string;
  kind: 'ExecCredential';
  status: { token: string; expirationTimestamp: string };
}

/** A successful run: exit 0 and exactly one newline-terminated ExecCredential line on stdout. */
export function execCredentialOf(r: Finished): ExecCredential {
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.endsWith('\n'), 'stdout ends with a newline');
  assert.equal(r.stdout.split('\n').length, 2, 'stdout is exactly one line');
  const cred = JSON.parse(r.stdout);
  assert.equal(cred.kind, 'ExecCredential');
  return cred;
}

/** The token of a successful run (see execCredentialOf). One parameter, so `results.map(tokenOf)` works. */
export function tokenOf(r: Finished): string {
  return execCredentialOf(r).status.token;
}

export interface ErrorLineOptions {
  /** stderr lines that may stand beside the error line (a printed sign-in URL, a prompt); by default none. */
  besides?: RegExp;
}

/** A failed run: exit 1, nothing on stdout, one `Error: ` line on stderr and no other line unless `besides` allows it. */
export function oneErrorLine(r: Finished, opts: ErrorLineOptions = {}): string {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  const errors = lines.filter((l) => l.startsWith('Error: '));
  assert.equal(errors.length, 1, `one Error: line on stderr, got: ${r.stderr}`);
  const others = lines.filter((l) => !l.startsWith('Error: ') && !opts.besides?.test(l));
  assert.deepEqual(others, [], `nothing else on stderr, got: ${r.stderr}`);
  return errors[0];
}

/** The payload of a JWT, unchecked (for tokens whose signature the test does not care about). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** The payload of a token the emulator signed, after checking its signature, audience and expiry. */
export async function verifiedClaims(emu: Emulator, jwt: string, audience: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(jwt, createLocalJWKSet(emu.jwks), { audience });
  return payload;
}
