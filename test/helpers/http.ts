// A small HTTP(S) client for tests that trusts a given CA (Node's fetch can't take one per call).
import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; an object as application/x-www-form-urlencoded. */
  body?: string | Record<string, string | undefined>;
  ca?: string;
}

export function request(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (typeof opts.body === 'string') body = opts.body;
  else if (opts.body) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.body)) if (v !== undefined) form.set(k, v);
    body = form.toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const method = opts.method ?? (body !== undefined ? 'POST' : 'GET');
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(u, { method, headers, ca: opts.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Form POST to an OAuth endpoint; resolves with status and parsed JSON body. */
export async function postForm(url: string, form: Record<string, string | undefined>, ca?: string) {
  const res = await request(url, { body: form, ca });
  return { status: res.status, body: res.json<Record<string, any>>(), headers: res.headers };
}
