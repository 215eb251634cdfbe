// The authority as get-token reaches it: through the proxy get-token would use (platform/proxy-choice.ts:
// HTTPS_PROXY/HTTP_PROXY/NO_PROXY with CIDR blocks), trusting what get-token trusts in that environment
// (Node's bundled CAs + NODE_EXTRA_CA_CERTS, which may come from the exec env, then the OS store:
// platform/trust.ts); TLS failures by name; and the clock against the answer's Date header.
import { rootCertificates } from 'node:tls';
import type { Env } from '../cli/env';
import { authorityHostFor } from '../cli/options';
import { proxyFor } from '../platform/proxy-choice';
import { readBoundedText, UnreadableFileError } from '../platform/read-bounded';
import { gatherTrust, MAX_FILE_BYTES } from '../platform/trust';
import { fail, pass, type CheckResult, type Subject } from './check';

const TIMEOUT_MS = 5_000;
/** Entra ID accepts tokens and assertions within about five minutes of its clock. */
export const MAX_SKEW_MS = 5 * 60_000;
/** The modes whose get-token talks to Entra ID itself (msi, azurecli and azd go through an endpoint or a CLI). */
export const ENTRA_MODES = new Set(['devicecode', 'interactive', 'spn', 'ropc', 'workloadidentity', 'azurepipelines']);

interface Proxy {
  https?: string;
  http?: string;
  noProxy?: string;
  /** For the report: which variable, credentials hidden. */
  describe: string;
}

export function proxyOf(env: Env): Proxy {
  const pick = (...names: string[]) => names.map((n) => [n, env[n]] as const).find(([, v]) => v);
  const https = pick('https_proxy', 'HTTPS_PROXY') ?? pick('http_proxy', 'HTTP_PROXY');
  const http = pick('http_proxy', 'HTTP_PROXY');
  const noProxy = pick('no_proxy', 'NO_PROXY');
  if (!https) return { describe: 'none' };
  const bypass = noProxy ? `, ${noProxy[0]}=${noProxy[1]}` : '';
  return { https: https[1], http: http?.[1], noProxy: noProxy?.[1], describe: `${hideCredentials(https[1]!)} (${https[0]}${bypass})` };
}

function hideCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

interface TrustStore {
  ca: string[];
  describe: string;
  problem?: string;
}

export function trustStoreOf(env: Env): TrustStore {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra) return { ca: [...rootCertificates], describe: "Node's bundled CAs" };
  try {
    return { ca: [...rootCertificates, readBoundedText(extra, MAX_FILE_BYTES)], describe: `Node's bundled CAs + NODE_EXTRA_CA_CERTS (${extra})` };
  } catch (err) {
    const why = err instanceof UnreadableFileError ? err.detail : (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    return { ca: [...rootCertificates], describe: "Node's bundled CAs", problem: `NODE_EXTRA_CA_CERTS=${extra} cannot be read (${why})` };
  }
}

export interface Probe {
  url: string;
  status?: number;
  /** Server time from the Date header, and our time halfway through the request. */
  serverDate?: number;
  localMid?: number;
  error?: { code: string; message: string };
  /** Set when Node's CAs did not verify the certificate and the OS store did (or was tried too). */
  osStore?: string;
}

/** One GET of the authority's OpenID metadata, memoised per URL, proxy and trust store within a run. */
export function probeAuthority(url: string, env: Env, memo: Map<string, Promise<Probe>>): Promise<Probe> {
  const proxy = proxyOf(env);
  const trust = trustStoreOf(env);
  const key = JSON.stringify([url, proxy, trust.describe]);
  let probe = memo.get(key);
  if (!probe) memo.set(key, (probe = withOsStore(url, env, trust)));
  return probe;
}

/** As get-token: Node's CAs first; a certificate they do not verify is tried again with the OS store. */
async function withOsStore(url: string, env: Env, trust: TrustStore): Promise<Probe> {
  const first = await request(url, env, trust.ca);
  if (!first.error || !UNTRUSTED.has(first.error.code)) return first;
  const os = gatherTrust({ env });
  const osStore = `the OS store (${os.read.join(', ') || 'nothing found'}${os.problems.length ? `; ${os.problems.join('; ')}` : ''})`;
  if (os.extra.length === 0) return { ...first, osStore };
  return { ...(await request(url, env, [...trust.ca, ...os.extra])), osStore };
}

async function request(url: string, env: Env, ca: string[]): Promise<Probe> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');
  const tls = { ca };
  const proxy = proxyFor(new URL(url), env);
  const dispatcher = proxy ? new undici.ProxyAgent({ uri: proxy, requestTls: tls }) : new undici.Agent({ connect: tls });
  const started = Date.now();
  try {
    const res = await undici.request(url, { dispatcher, signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
    await res.body.text();
    const date = Date.parse(String(res.headers.date ?? ''));
    return { url, status: res.statusCode, serverDate: Number.isFinite(date) ? date : undefined, localMid: (started + Date.now()) / 2 };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    const code = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'TIMEOUT' : e.code ?? e.cause?.code ?? e.name;
    return { url, error: { code, message: e.message } };
  } finally {
    void dispatcher.close();
  }
}

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_UNTRUSTED']);

function tlsFailure(code: string, trust: TrustStore, host: string, osStore?: string): { what: string; fix: string } | undefined {
  if (UNTRUSTED.has(code)) {
    return {
      what: `TLS: the certificate of ${host} is not trusted (${code}) by ${trust.describe}${osStore ? ` nor ${osStore}` : ''}`,
      fix: 'put the issuing CA (e.g. your TLS-inspecting proxy\'s) in a PEM file and set SSL_CERT_FILE (or NODE_EXTRA_CA_CERTS) to it, where kubectl runs or in the exec env',
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return { what: `TLS: the certificate of ${host} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not yet valid'} (${code})`, fix: 'check this machine\'s clock; if it is right, the server or a TLS-inspecting proxy presents a bad certificate' };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { what: `TLS: the certificate is not for ${host} (${code})`, fix: 'check --authority-host / --environment, and whether a proxy answers in its place' };
  return undefined;
}

export function checkProxy(s: Subject): CheckResult {
  return pass('proxy', `proxy: ${proxyOf(s.env).describe}`);
}

export async function checkAuthority(s: Subject, memo: Map<string, Promise<Probe>>): Promise<CheckResult[]> {
  const o = s.options!;
  const url = `${authorityHostFor(o)}${o.tenantId || 'organizations'}/v2.0/.well-known/openid-configuration`;
  const trust = trustStoreOf(s.env);
  const host = new URL(url).host;
  const p = await probeAuthority(url, s.env, memo);
  if (p.error) {
    const tls = tlsFailure(p.error.code, trust, host, p.osStore);
    const how = tls ? tls.what : `cannot reach it (${p.error.code}: ${p.error.message})`;
    const fix = tls ? tls.fix : 'check the network, DNS, the proxy (HTTPS_PROXY / NO_PROXY) and --authority-host / --environment';
    const caFix = trust.problem ? 'make the NODE_EXTRA_CA_CERTS file readable (or unset it); ' : '';
    return [fail('authority', `authority ${url}: ${how}${trust.problem ? `; ${trust.problem}` : ''}`, caFix + fix)];
  }
  const results = [p.status === 200
    ? pass('authority', `authority ${authorityHostFor(o)} reachable: HTTP 200, TLS verified with ${p.osStore ? `${trust.describe} + ${p.osStore}` : trust.describe}`)
    : fail('authority', `authority ${url} answered HTTP ${p.status}`, 'check --tenant-id and --authority-host / --environment')];
  if (p.serverDate !== undefined && p.localMid !== undefined) results.push(clock(p.serverDate - p.localMid));
  return results;
}

function clock(skewMs: number): CheckResult {
  // The Date header has whole seconds: round to them.
  const seconds = Math.round(skewMs / 1000);
  const off = Math.abs(seconds) < 2 ? 'within a second or two of' : `${duration(Math.abs(seconds))} ${seconds > 0 ? 'behind' : 'ahead of'}`;
  const message = `clock: this machine is ${off} the authority's clock`;
  if (Math.abs(skewMs) <= MAX_SKEW_MS) return pass('clock', message);
  return fail('clock', `${message} (more than 5 minutes: tokens look not yet valid or expired, assertions are refused)`, 'synchronise the system clock (e.g. timedatectl set-ntp true, or w32tm /resync on Windows)');
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  const m = Math.round(seconds / 60);
  return m < 120 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
