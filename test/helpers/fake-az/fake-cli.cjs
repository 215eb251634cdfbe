'use strict';
// Fake `az` and `azd` for tests, run through the `az` and `azd` wrappers in this folder. Behaviour comes
// from the JSON file named by FAKE_AZ_CONFIG (see index.ts, FakeCliConfig); the signed-in account of `az`
// comes from azureProfile.json in AZURE_CONFIG_DIR (else ~/.azure), as with the real CLI. Tokens are real:
// fetched from the emulator's IMDS endpoint for the requested resource, unless the config fixes one.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const [tool, ...args] = process.argv.slice(2);
const config = process.env.FAKE_AZ_CONFIG ? JSON.parse(fs.readFileSync(process.env.FAKE_AZ_CONFIG, 'utf8')) : {};
const behaviour = config[tool] || {};

main().then(
  (r) => finish(r),
  (err) => finish({ code: 2, stderr: `fake ${tool} crashed: ${err && err.stack}\n` }),
);

function finish({ code = 0, stdout = '', stderr = '' }) {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exitCode = code;
}

async function main() {
  record();
  if (behaviour.grandchildPidFile) startGrandchild(behaviour.grandchildPidFile);
  if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
  if (behaviour.exitCode) return { code: behaviour.exitCode, stderr: behaviour.stderr || '' };
  if (tool === 'az') return az();
  if (tool === 'azd') return azd();
  return { code: 2, stderr: `unknown fake tool ${tool}\n` };
}

function record() {
  if (!config.callsFile) return;
  const entry = { tool, args, azureConfigDir: process.env.AZURE_CONFIG_DIR, time: Date.now() };
  fs.appendFileSync(config.callsFile, JSON.stringify(entry) + '\n');
}

/** A child in our process group that inherits stdout/stderr: only a group kill ends it and closes the pipes. */
function startGrandchild(pidFile) {
  const child = spawn('sleep', ['60'], { stdio: ['ignore', 'inherit', 'inherit'] });
  fs.writeFileSync(pidFile, String(child.pid));
}

function flag(...names) {
  for (let i = 0; i < args.length; i++) if (names.includes(args[i])) return args[i + 1];
  return undefined;
}

// ---- az ----

function profileFile() {
  return path.join(process.env.AZURE_CONFIG_DIR || path.join(os.homedir(), '.azure'), 'azureProfile.json');
}

function readProfile() {
  try {
    return JSON.parse(fs.readFileSync(profileFile(), 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return { subscriptions: [] };
  }
}

function writeProfile(profile) {
  // The real CLI writes utf-8-sig: a BOM first.
  fs.writeFileSync(profileFile(), '\uFEFF' + JSON.stringify(profile, null, 4));
}

async function az() {
  const command = args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
  const profile = readProfile();
  const subs = profile.subscriptions || [];
  if (command === 'logout') {
    writeProfile({ ...profile, subscriptions: [] });
    return {};
  }
  if (!subs.some((s) => s.isDefault)) return { code: 1, stderr: "ERROR: Please run 'az login' to setup account.\n" };
  if (command === 'account set') {
    const wanted = flag('--subscription', '-s', '--name', '-n');
    const target = subs.find((s) => s.id === wanted || s.name === wanted);
    if (!target) return { code: 1, stderr: `ERROR: The subscription of '${wanted}' doesn't exist in cloud 'AzureCloud'.\n` };
    writeProfile({ ...profile, subscriptions: subs.map((s) => ({ ...s, isDefault: s === target })) });
    return {};
  }
  if (command === 'account get-access-token') return getAccessToken(subs);
  return { code: 2, stderr: `ERROR: '${command}' is misspelled or not recognized by the system.\n` };
}

async function getAccessToken(subs) {
  const wanted = flag('--subscription', '-s');
  const sub = wanted ? subs.find((s) => s.id === wanted || s.name === wanted) : subs.find((s) => s.isDefault);
  if (!sub) return { code: 1, stderr: `ERROR: Subscription '${wanted}' not found. Check the spelling and casing and try again.\n` };
  const resource = flag('--resource');
  const { token, expiresOn } = await tokenFor(resource);
  const body = { accessToken: token, expiresOn: localTime(expiresOn), subscription: sub.id, tenant: flag('--tenant') || sub.tenantId, tokenType: 'Bearer' };
  // az before 2.54 printed only the local-time expiresOn.
  if (behaviour.format !== 'old') body.expires_on = expiresOn;
  return { stdout: JSON.stringify(body, null, 2) + '\n' };
}

function localTime(epochSeconds) {
  const d = new Date(epochSeconds * 1000);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.000000`;
}

// ---- azd ----

async function azd() {
  const command = args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
  // Like azd 1.x: exit 0 either way; the JSON status says whether someone is signed in.
  if (command === 'auth login' && args.includes('--check-status')) {
    return { stdout: JSON.stringify(behaviour.loggedIn === false ? { status: 'unauthenticated' } : { status: 'success', expiresOn: new Date(Date.now() + 3600e3).toISOString() }) + '\n' };
  }
  if (command !== 'auth token') return { code: 1, stderr: `ERROR: unknown command "${command}" for "azd"\n` };
  if (behaviour.loggedIn === false) return { code: 1, stderr: 'ERROR: not logged in, run `azd auth login` to login\n' };
  const scope = flag('--scope');
  const { token, expiresOn } = await tokenFor(scope && scope.replace(/\/\.default$/, ''));
  const expiry = behaviour.expiresOnText ?? new Date(expiresOn * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  return { stdout: JSON.stringify({ token, expiresOn: expiry }) + '\n' };
}

// ---- tokens ----

async function tokenFor(resource) {
  const expiry = behaviour.expiresOn;
  if (behaviour.token) return { token: behaviour.token, expiresOn: expiry || Math.floor(Date.now() / 1000) + 3600 };
  if (!config.imdsUrl) throw new Error('FAKE_AZ_CONFIG has neither a token nor imdsUrl');
  const url = `${config.imdsUrl}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource || '')}`;
  const res = await fetch(url, { headers: { Metadata: 'true' } });
  const body = await res.json();
  if (!res.ok) throw new Error(`emulator answered ${res.status}: ${JSON.stringify(body)}`);
  return { token: body.access_token, expiresOn: expiry || Number(body.expires_on) };
}
