// Outbound HTTP(S) for the miss path, on node:http/node:https: Node 20's fetch compiles its bundled
// undici on first use (~30 ms of a cold miss, measured in bench/miss.mjs), and it ignores
// HTTPS_PROXY/HTTP_PROXY/NO_PROXY, which corporate build agents depend on (Go's kubelogin honours
// them). So a request goes through undici's EnvHttpProxyAgent only when a proxy is set (undici is
// required only then, and kept out of the bundle), else through node:https with a keep-alive agent
// (the discovery and token requests share one TLS connection). Answers and errors have fetch's shape
// (status, headers, text(); `TypeError('fetch failed', { cause })`, the signal's reason on abort).
import type { Dispatcher } from 'undici';
import type { Env } from '../cli/env';

const PROXY_VARS = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];
let agent: Dispatcher | undefined;

/** What the callers read of a fetch Response. */
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null; forEach(cb: (value: string, key: string) => void): void };
  text(): Promise<string>;
}

/** fetch, through the environment's proxy when one is configured (NO_PROXY is honoured). */
export function proxiedFetch(url: string, init: RequestInit, env: Env = process.env): Promise<HttpAnswer> {
  if (!PROXY_VARS.some((name) => env[name])) return directFetch(url, init);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');
  agent ??= new undici.EnvHttpProxyAgent();
  return undici.fetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<HttpAnswer>;
}

let agents: { http: import('node:http').Agent; https: import('node:https').Agent } | undefined;

/** A request straight to the host (never a proxy: managed identity endpoints are local or link-local). */
export function directFetch(url: string, init: RequestInit): Promise<HttpAnswer> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const http = require('node:http') as typeof import('node:http');
  const https = require('node:https') as typeof import('node:https');
  /* eslint-enable @typescript-eslint/no-require-imports */
  agents ??= { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const signal = init.signal ?? undefined;
  const headers = normalHeaders(init.headers);
  const body = requestBody(init.body, headers);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const req = (secure ? https : http).request(target, { method: init.method ?? 'GET', headers, agent: secure ? agents!.https : agents!.http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => reject(new TypeError('fetch failed', { cause: err })));
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        const h = new Map<string, string>();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status, ok: status >= 200 && status < 300, headers: { get: (n) => h.get(n.toLowerCase()) ?? null, forEach: (cb) => h.forEach(cb) }, text: async () => text });
      });
    });
    const onAbort = () => req.destroy(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: err }));
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
