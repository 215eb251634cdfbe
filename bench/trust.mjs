#!/usr/bin/env node
// What the OS trust store costs a cache miss: median wall time of a cold `get-token --login spn`
// (fresh cache folder, so MSAL's discovery and token requests run) against the emulator, with the
// emulator's CA given through NODE_EXTRA_CA_CERTS (Node verifies at once: the common case) and through
// SSL_CERT_FILE only (the handshake fails, the OS store is read, the request is made again through
// undici). Alternating runs. Usage: node bench/trust.mjs [runs]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reexecUnderTsx } from './under-tsx.mjs';

reexecUnderTsx(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.KUBELOGIN_BENCH_BIN || path.join(root, 'bin', 'kubelogin');
const runs = Number(process.argv[2] ?? 20);

const { startEmulator } = await import('../test/emulator/index.ts');
const emu = await startEmulator();
const app = { clientId: 'bench-app', tenantId: 'bench-tenant', secret: 'bench-secret-0123456789' };
emu.addApp(app);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelogin-bench-'));

// Async: the emulator runs in this process and must keep answering while the plugin runs.
async function once(ca) {
  const cacheDir = fs.mkdtempSync(path.join(home, 'c-'));
  const args = ['get-token', '--login', 'spn', '--server-id', 'bench-server', '--client-id', app.clientId, '--tenant-id', app.tenantId, '--authority-host', emu.authorityHost, '--cache-dir', cacheDir];
  const env = { PATH: process.env.PATH, HOME: home, AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: app.secret, ...ca };
  const t = process.hrtime.bigint();
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (code !== 0) throw new Error(stderr);
  return ms;
}

const cases = { 'NODE_EXTRA_CA_CERTS': { NODE_EXTRA_CA_CERTS: emu.caFile }, 'SSL_CERT_FILE only': { SSL_CERT_FILE: emu.caFile } };
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) for (const [name, ca] of Object.entries(cases)) times[name].push(await once(ca));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times.NODE_EXTRA_CA_CERTS);
for (const [name, xs] of Object.entries(times)) console.log(`${name.padEnd(20)} median ${median(xs).toFixed(1)} ms  (+${(median(xs) - base).toFixed(1)} ms)`);
await emu.close();
fs.rmSync(home, { recursive: true, force: true });
