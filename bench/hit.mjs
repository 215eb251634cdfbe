#!/usr/bin/env node
// Cache-hit cost: median wall time of `kubelogin get-token` served from a warm token file, against
// `node -e 0`, over alternating runs. NODE_EXTRA_CA_CERTS is unset on both sides (it costs 15–30 ms
// before any JS runs and a hit needs no CA). Target: ratio ≤ 1.3. Usage: node bench/hit.mjs [runs]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// KUBELOGIN_BENCH_BIN measures another build (e.g. a prototype) the same way.
const bin = process.env.KUBELOGIN_BENCH_BIN || path.join(root, 'bin', 'kubelogin');
const runs = Number(process.argv[2] ?? 40);

// What `az aks get-credentials` + convert-kubeconfig put in a kubeconfig.
const args = ['get-token', '--environment', 'AzurePublicCloud', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630',
  '--client-id', '80faf920-1908-4b52-b5ef-a8e7bedfc67a', '--tenant-id', '72f988bf-86f1-41af-91ab-2d7cd011db47', '--login', 'devicecode'];

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelogin-bench-'));
const env = { PATH: process.env.PATH, HOME: home };
const { quickParse } = await tsImport('../src/cli/argv.ts', import.meta.url);
const { resolveTokenOptions } = await tsImport('../src/cli/options.ts', import.meta.url);
const { cacheKey, identityFor } = await tsImport('../src/cache/key.ts', import.meta.url);
const { tokenFilePath } = await tsImport('../src/cache/token-file.ts', import.meta.url);
const options = resolveTokenOptions(quickParse(args.slice(1)).flags, env).options;
const file = tokenFilePath(options.cacheDir, cacheKey(identityFor(options, env)));
fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: 'bench', pad: 'x'.repeat(1500) })).toString('base64url')}.c2ln`;
fs.writeFileSync(file, JSON.stringify({ v: 1, token, expiresOn: Date.now() + 365 * 86400_000 }), { mode: 0o600 });

function time(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

const check = time(process.execPath, [bin, ...args]);
if (JSON.parse(check.stdout).status.token !== token) throw new Error('not served from the cache');
for (let i = 0; i < 3; i++) time(process.execPath, [bin, ...args]), time(process.execPath, ['-e', '0']);

const hit = [];
const bare = [];
for (let i = 0; i < runs; i++) {
  if (i % 2) bare.push(time(process.execPath, ['-e', '0']).ms), hit.push(time(process.execPath, [bin, ...args]).ms);
  else hit.push(time(process.execPath, [bin, ...args]).ms), bare.push(time(process.execPath, ['-e', '0']).ms);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const h = median(hit);
const b = median(bare);
fs.rmSync(home, { recursive: true, force: true });
console.log(`cache hit (get-token):  median ${h.toFixed(1)} ms over ${runs} runs`);
console.log(`node -e 0:              median ${b.toFixed(1)} ms over ${runs} runs`);
console.log(`ratio:                  ${(h / b).toFixed(2)} (target ≤ 1.30)`);
process.exitCode = h / b <= 1.3 ? 0 : 1;
