// Request context and replies shared by every handler.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestRecord } from './types';
import { AadError, aadErrorBody } from './errors';

export interface Reply {
  status: number;
  json?: unknown;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
}

/** What a request log entry learns while the request is handled; never secrets. */
export type RecordDraft = Pick<RequestRecord, 'endpoint' | 'tenantId' | 'grantType' | 'clientId' | 'scope' | 'resource' | 'tokenType' | 'reqCnf'>;

export interface Ctx {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** POST bodies parsed as a form (empty for anything else). */
  form: URLSearchParams;
  body: string;
  /** First path segment when the route is tenant-scoped. */
  tenant: string;
  record: RecordDraft;
  /** client-request-id from the caller (MSAL sends one), echoed in errors as Entra does. */
  correlationId?: string;
}

export type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, json: body, headers });

export function aadReply(e: AadError, baseUrl: string, ctx?: Ctx): Reply {
  return json(e.status, aadErrorBody(e, baseUrl, ctx?.correlationId));
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...reply.headers };
  let payload = '';
  if (reply.json !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    payload = JSON.stringify(reply.json);
  } else if (reply.html !== undefined) {
    headers['content-type'] ??= 'text/html; charset=utf-8';
    payload = reply.html;
  } else if (reply.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    payload = reply.text;
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export function errorOf(reply: Reply): string | undefined {
  const body = reply.json as { error?: unknown } | undefined;
  if (!body || typeof body !== 'object') return undefined;
  if (typeof body.error === 'string') return body.error;
  if (body.error && typeof body.error === 'object') {
    const code = (body.error as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number' ? String(code) : 'error';
  }
  return undefined;
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
