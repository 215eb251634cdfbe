#!/usr/bin/env node
// Cache-miss cost per login mode: median wall time of a cold `bin/kubelogin get-token` (empty cache
// folder) against the Entra ID emulator, next to a bare Node process making the same token request
// to the same endpoint (https POST for spn / workloadidentity, IMDS GET for msi, running the fake az
// for azurecli), interleaved. Then 32 parallel cold spn runs of one identity (token requests: must be 1;
// p50/p95 next to 32 bare `node -e 0` started at once). Both sides trust the emulator's CA via
// NODE_EXTRA_CA_CERTS (the miss path must honour it). Target: cold spn (secret) ≤ 2× the bare request.
// Usage: node bench/miss.mjs [rounds] [latency-ms]     (KUBELOGIN_BENCH_BIN measures another bin)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reexecUnderTsx } from './under-tsx.mjs';

reexecUnderTsx(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = process.env.KUBELOGIN_BENCH_BIN || path.join(root, 'bin', 'kubelogin');
const rounds = Number(process.argv[2] ?? 10);
const latency = Number(process.argv[3] ?? 0);

const { startEmulator } = await import('../test/emulator/index.ts');
const { makeClientCertificate } = await import('../test/helpers/certs.ts');
const { FakeCli } = await import('../test/helpers/fake-az/index.ts');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kubelogin-bench-miss-'));
const emu = await startEmulator();
emu.delayMs = latency;
const TENANT = 'bench-tenant';
const SERVER = 'api://bench-server';
const secretApp = { clientId: 'bench-spn', tenantId: TENANT, secret: 'bench-secret-0123456789' };
const cert = await makeClientCertificate({ dir: work, name: 'bench' });
emu.addApp(secretApp);
emu.addApp({ clientId: 'bench-cert', tenantId: TENANT, certificatePem: cert.certPem });
const subject = 'system:serviceaccount:bench:app';
emu.addApp({ clientId: 'bench-wi', tenantId: TENANT, federated: [{ issuer: emu.federatedIssuer, subject }] });
const federatedFile = path.join(work, 'federated-token');
fs.writeFileSync(federatedFile, await emu.issueFederatedToken({ subject }));
emu.addManagedIdentity({ clientId: 'bench-mi', systemAssigned: true });
const fakeAz = new FakeCli(path.join(work, 'az'), { imdsUrl: emu.miUrl });
fakeAz.signIn([{ id: '00000000-0000-0000-0000-00000000beef', tenantId: TENANT, user: 'bench@example.com', isDefault: true }]);

const base = { PATH: process.env.PATH, HOME: work, NODE_EXTRA_CA_CERTS: emu.caFile };
const common = ['get-token', '--server-id', SERVER, '--authority-host', emu.authorityHost];
const tokenUrl = (tenant) => `${emu.url}/${tenant}/oauth2/v2.0/token`;
const form = (fields) => new URLSearchParams(fields).toString();
const spnForm = form({ grant_type: 'client_credentials', client_id: secretApp.clientId, client_secret: secretApp.secret, scope: `${SERVER}/.default` });

// The bare side: a new Node process that makes the one request (or runs az) and exits.
const bareScript = path.join(work, 'bare.cjs');
fs.writeFileSync(bareScript, `
const spec = JSON.parse(process.env.BARE);
if (spec.az) {
  const r = require('child_process').spawnSync('az', ['account', 'get-access-token', '-o', 'json', '--resource', spec.resource], { encoding: 'utf8' });
  if (r.status !== 0 || !JSON.parse(r.stdout).accessToken) process.exit(1);
} else {
  const u = new URL(spec.url);
  const req = require(u.protocol === 'https:' ? 'https' : 'http').request(u, { method: spec.body ? 'POST' : 'GET', headers: spec.headers }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => process.exit(res.statusCode === 200 && JSON.parse(body).access_token ? 0 : 1));
  });
  req.end(spec.body);
}`);

const modes = [
  { name: 'spn (secret)', args: ['--login', 'spn', '--client-id', secretApp.clientId, '--tenant-id', TENANT], env: { AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: secretApp.secret },
    bare: { url: tokenUrl(TENANT), body: spnForm, headers: { 'content-type': 'application/x-www-form-urlencoded' } } },
  { name: 'spn (certificate)', args: ['--login', 'spn', '--client-id', 'bench-cert', '--tenant-id', TENANT], env: { AZURE_CLIENT_CERTIFICATE_PATH: cert.pemFile },
    bare: { url: tokenUrl(TENANT), body: spnForm, headers: { 'content-type': 'application/x-www-form-urlencoded' } } },
  { name: 'workloadidentity', args: ['--login', 'workloadidentity'], env: { AZURE_CLIENT_ID: 'bench-wi', AZURE_TENANT_ID: TENANT, AZURE_FEDERATED_TOKEN_FILE: federatedFile, AZURE_AUTHORITY_HOST: emu.authorityHost },
    bare: { url: tokenUrl(TENANT), body: spnForm, headers: { 'content-type': 'application/x-www-form-urlencoded' } } },
  { name: 'msi (IMDS)', args: ['--login', 'msi'], env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: emu.miUrl },
    bare: { url: `${emu.miUrl}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(SERVER)}`, headers: { Metadata: 'true' } } },
  { name: 'azurecli (fake az)', args: ['--login', 'azurecli'], env: fakeAz.env(),
    bare: { az: true, resource: SERVER }, bareEnv: fakeAz.env() },
];

/** Wall time of one process (spawned asynchronously: the emulator answers from this process's event loop). */
function timed(file, argv, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path.basename(file)} ${argv.slice(0, 3).join(' ')} exited ${code}: ${err}`));
      else resolve(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  });
}
let n = 0;
/** An empty cache folder, or one holding only the authority's discovery document (m.warmMetadata: a renewal). */
function cacheDirFor(m) {
  const dir = path.join(work, `cache-${n++}`);
  if (m.warmMetadata) fs.cpSync(path.join(work, 'warm', 'metadata'), path.join(dir, 'metadata'), { recursive: true });
  return dir;
}
const coldRun = (m) => timed(bin, [...common, ...m.args, '--cache-dir', cacheDirFor(m)], { ...base, ...m.env });
const bareRun = (m) => timed(process.execPath, [bareScript], { ...base, ...m.bareEnv, BARE: JSON.stringify(m.bare) });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

let failed = false;
try {
  // A renewal: the token expired, but an earlier run left the authority's discovery document.
  const spn = modes[0];
  await timed(bin, [...common, ...spn.args, '--cache-dir', path.join(work, 'warm')], { ...base, ...spn.env });
  modes.splice(1, 0, { ...spn, name: 'spn (secret), discovery cached', warmMetadata: true });
  const rows = [];
  for (const m of modes) {
    // Warm the disk cache and the emulator's routes.
    await coldRun(m);
    await bareRun(m);
    const cold = [];
    const bare = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither side always runs on a warmer machine.
      const order = i % 2 ? [[bare, bareRun], [cold, coldRun]] : [[cold, coldRun], [bare, bareRun]];
      for (const [side, run] of order) side.push(await run(m));
    }
    rows.push({ name: m.name, cold: median(cold), bare: median(bare) });
  }

  // 32 parallel cold runs of one identity: one token request, and how long the batch waits.
  emu.reset();
  const cacheDir = path.join(work, 'parallel');
  const m = modes[0];
  const started = process.hrtime.bigint();
  const runs = await Promise.all(Array.from({ length: 32 }, () => new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, [...common, ...m.args, '--cache-dir', cacheDir], { env: { ...base, ...m.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('close', (code) => resolve({ code, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
  })));
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  const requests = emu.requests.filter((q) => q.endpoint === 'token').length;
  if (runs.some((r) => r.code !== 0) || requests !== 1) failed = true;
  // The floor: as many bare `node -e 0` at once, with the same CA setting.
  const floor = await Promise.all(Array.from({ length: 32 }, () => new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    spawn(process.execPath, ['-e', '0'], { env: base, stdio: 'ignore' }).on('close', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
  })));

  const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`cold get-token (empty cache) vs a bare Node request to the same endpoint; medians of ${rounds} interleaved rounds; emulator latency ${latency} ms; load ${load}`);
  console.log('| mode | cold miss | bare request | ratio |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.cold.toFixed(0)} ms | ${r.bare.toFixed(0)} ms | ${(r.cold / r.bare).toFixed(2)} |`);
  const ms = runs.map((r) => r.ms);
  console.log(`\n32 parallel cold spn runs: ${requests} token request(s), ${runs.filter((r) => r.code === 0).length}/32 succeeded, p50 ${pct(ms, 50).toFixed(0)} ms, p95 ${pct(ms, 95).toFixed(0)} ms, batch ${wall.toFixed(0)} ms`);
  console.log(`floor, 32 × node -e 0 at once: p50 ${pct(floor, 50).toFixed(0)} ms, p95 ${pct(floor, 95).toFixed(0)} ms`);
  const cold = rows[0];
  if (cold.cold / cold.bare > 2) failed = true;
  console.log(`target: cold spn (secret) ≤ 2.00× the bare request: ${cold.cold / cold.bare <= 2 ? 'met' : 'missed'}`);
} finally {
  await emu.close();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
