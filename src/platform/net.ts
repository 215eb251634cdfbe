// Outbound HTTP(S) for the miss path, on node:http/node:https: Node 20's fetch compiles its bundled
// undici on first use (~30 ms of a cold miss, measured in bench/miss.mjs), and it ignores
// HTTPS_PROXY/HTTP_PROXY/NO_PROXY, which corporate build agents depend on (Go's kubelogin honours
// them). So a request goes through undici's ProxyAgent only when proxy-choice.ts picks a proxy (undici
// is required only then, from its own bundle dist/undici.cjs), else through node:https with a keep-alive agent
// (the discovery and token requests share one TLS connection).
//
// Trust: Node's roots and NODE_EXTRA_CA_CERTS first. When a certificate does not verify with those,
// the OS store (trust.ts: SSL_CERT_FILE, SSL_CERT_DIR, the distribution bundle, as Go reads them) is
// read once and the request made again with it: a failed TLS verification happens before any byte of
// the request is sent, so nothing is sent twice, and runs whose certificates verify pay nothing.
//
// Answers have fetch's shape (status, headers, text()); on abort the signal's reason is thrown, and
// every other failure is a ConfigError whose message names the cause (net-errors.ts).
import type { SecureContext } from 'node:tls';
import type { Dispatcher } from 'undici';
import type { Env } from '../cli/env';
import { ConfigError } from '../errors';
import type { Logger } from './log';
import { describeNetworkFailure, isUntrusted } from './net-errors';
import { proxyFor } from './proxy-choice';
import { osTrustContext, type OsTrust } from './trust';

/** What the callers read of a fetch Response. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null; forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
}

/** Through the environment's proxy when one applies to the URL (NO_PROXY honoured, CIDR blocks too). */
export function proxiedFetch(url: string, init: RequestInit, env: Env = process.env, log?: Logger): Promise<HttpAnswer> {
  return trustedFetch(url, init, env, proxyFor(new URL(url), env), log);
}

/** Straight to the host (never a proxy: managed identity endpoints are local or link-local). */
export function directFetch(url: string, init: RequestInit, env: Env = process.env, log?: Logger): Promise<HttpAnswer> {
  return trustedFetch(url, init, env, undefined, log);
}

let osTrust: OsTrust | undefined;

async function trustedFetch(url: string, init: RequestInit, env: Env, proxy: string | undefined, log?: Logger): Promise<HttpAnswer> {
  const target = new URL(url);
  let failure: unknown;
  try {
    return await attempt(target, init, proxy);
  } catch (err) {
    if (init.signal?.aborted) throw err;
    failure = err;
  }
  if (target.protocol === 'https:' && !osTrust && isUntrusted(failure)) {
    osTrust = osTrustContext(env);
    log?.v(5, `tls: ${target.host} is not verified by Node's roots; trusting the OS store too: ${osTrust.read.join(', ') || 'nothing found'}`);
    if (osTrust.context) {
      try {
        return await attempt(target, init, proxy);
      } catch (err) {
        if (init.signal?.aborted) throw err;
        failure = err;
      }
    }
  }
  throw new ConfigError(describeNetworkFailure(failure, { url: target, proxy, trustProblems: osTrust?.problems }), { cause: failure });
}

function attempt(target: URL, init: RequestInit, proxy: string | undefined): Promise<HttpAnswer> {
  const context = osTrust?.context ?? undefined;
  return proxy ? viaProxy(target, init, proxy, context) : direct(target, init, context);
}

const proxyAgents = new Map<string, Dispatcher>();

function viaProxy(target: URL, init: RequestInit, proxy: string, context: SecureContext | undefined): Promise<HttpAnswer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');
  const key = `${proxy} ${context ? 'os' : 'node'}`;
  let agent = proxyAgents.get(key);
  if (!agent) {
    // requestTls: the TLS inside the CONNECT tunnel; proxyTls: to an https:// proxy itself.
    const tls = context ? { secureContext: context } : undefined;
    agent = new undici.ProxyAgent({ uri: proxy, requestTls: tls, proxyTls: tls });
    proxyAgents.set(key, agent);
  }
  return undici.fetch(target, { ...(init as object), dispatcher: agent });
}

let agents: { http: import('node:http').Agent; https: import('node:https').Agent; trusted?: import('node:https').Agent } | undefined;

function direct(target: URL, init: RequestInit, context: SecureContext | undefined, retry = true): Promise<HttpAnswer> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const http = require('node:http') as typeof import('node:http');
  const https = require('node:https') as typeof import('node:https');
  /* eslint-enable @typescript-eslint/no-require-imports */
  agents ??= { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  if (context) agents.trusted ??= new https.Agent({ keepAlive: true, secureContext: context });
  const secure = target.protocol === 'https:';
  const agent = secure ? (context ? agents.trusted : agents.https) : agents.http;
  const signal = init.signal ?? undefined;
  const headers = normalHeaders(init.headers);
  const body = requestBody(init.body, headers);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    // An aborted request rejects with the signal's reason (a TimeoutError or AbortError), as fetch does.
    const aborted = () => signal?.reason as Error;
    if (signal?.aborted) return reject(aborted());
    const req = (secure ? https : http).request(target, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        const h = new Map<string, string>();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        const headersOf = {
          get: (n: string) => h.get(n.toLowerCase()) ?? null,
          forEach: (cb: (value: string, key: string) => void) => h.forEach(cb),
        };
        resolve({ status, ok: status >= 200 && status < 300, headers: headersOf, text: () => Promise.resolve(text) });
      });
    });
    const onAbort = () => req.destroy(aborted());
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      // A kept-alive socket the server closed as we reused it (its idle timeout, e.g. between device
      // code polls): the request never reached the server; send it once more on a new socket, as
      // Node's http docs advise.
      if (retry && req.reusedSocket && err.code === 'ECONNRESET' && !signal?.aborted) return resolve(direct(target, init, context, false));
      reject(signal?.aborted ? aborted() : new TypeError('fetch failed', { cause: err }));
    });
    req.end(body);
  });
}

/** The bodies callers send: text, or a form (typed as fetch types it). */
function requestBody(body: RequestInit['body'], headers: Record<string, string>): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new TypeError('unsupported request body');
}

/** Callers pass plain objects (MSAL, src/login/http.ts) or pairs. */
function normalHeaders(h: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Array.isArray(h) ? h : Object.entries((h ?? {}) as Record<string, string>)) out[k.toLowerCase()] = String(v);
  return out;
}
