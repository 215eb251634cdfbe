#!/usr/bin/env node
// Concurrency: 32 `kubelogin get-token --login spn` processes started at once on an empty cache
// against the Entra ID emulator (with a simulated network latency). Prints the number of token
// requests (must be 1) and the p50/p95/max wall latency of the processes.
// Usage: node bench/parallel.mjs [processes] [latency-ms] [rounds]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The emulator is TypeScript: run this script under tsx (re-exec once) so it can be imported as is.
if (!process.env.KUBELOGIN_BENCH_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, KUBELOGIN_BENCH_TSX: '1' } });
  process.exit(r.status ?? 1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// KUBELOGIN_BENCH_BIN compares another build (e.g. a prototype) against the same emulator.
const bin = process.env.KUBELOGIN_BENCH_BIN || path.join(root, 'bin', 'kubelogin');
const [n = 32, latency = 100, rounds = 3] = process.argv.slice(2).map(Number);

const { startEmulator } = await import('../test/emulator/index.ts');
const emu = await startEmulator();
const app = { clientId: 'bench-app', tenantId: 'bench-tenant', secret: 'bench-secret-0123456789' };
emu.addApp(app);
emu.delayMs = latency;

function run(cacheDir, home) {
  const args = ['get-token', '--login', 'spn', '--server-id', 'api://bench', '--client-id', app.clientId, '--tenant-id', app.tenantId,
    '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const env = { PATH: process.env.PATH, HOME: home, NODE_EXTRA_CA_CERTS: emu.caFile, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: app.secret };
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, err })));
}

/** The floor on this machine: the same number of bare `node -e 0` started at once, with the same CA setting. */
function bare() {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: emu.caFile }, stdio: 'ignore' });
  return new Promise((resolve) => child.on('close', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6)));
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
let failed = false;
try {
  for (let round = 1; round <= rounds; round++) {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelogin-bench-'));
    emu.reset();
    const results = await Promise.all(Array.from({ length: n }, () => run(path.join(home, 'cache'), home)));
    const ms = results.map((r) => r.ms);
    const bad = results.filter((r) => r.code !== 0);
    const requests = emu.count({ endpoint: 'token' });
    console.log(`round ${round}: ${n} processes, token latency ${latency} ms → token requests ${requests}, failures ${bad.length}, ` +
      `p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms, max ${Math.max(...ms).toFixed(0)} ms`);
    if (bad.length) console.log(bad[0].err);
    failed ||= requests !== 1 || bad.length > 0;
    fs.rmSync(home, { recursive: true, force: true });
  }
  const floor = await Promise.all(Array.from({ length: n }, bare));
  console.log(`floor: ${n} × node -e 0 at once (same NODE_EXTRA_CA_CERTS): p50 ${pct(floor, 50).toFixed(0)} ms, p95 ${pct(floor, 95).toFixed(0)} ms`);
} finally {
  await emu.close();
}
process.exitCode = failed ? 1 : 0;
