// A headless "browser" for authorization-code tests: follows the emulator's authorize answer (form_post page
// or redirect) to the app's loopback redirect URI, as a real browser would after the user signs in.
import fs from 'node:fs';
import { request, type HttpResponse } from './http';

const decodeEntities = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);

function parseForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form[2].matchAll(/<input\b[^>]*>/gi)) {
    const name = /name="([^"]*)"/i.exec(input[0])?.[1];
    const value = /value="([^"]*)"/i.exec(input[0])?.[1];
    if (name && /type="hidden"/i.test(input[0])) fields[decodeEntities(name)] = decodeEntities(value ?? '');
  }
  return { action: decodeEntities(form[1]), fields };
}

function defaultCa(): string | undefined {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  return file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

/**
 * GETs the authorize URL (trusting caPem, else NODE_EXTRA_CA_CERTS), then delivers the result to the redirect
 * URI: POSTs the hidden form for response_mode=form_post, or follows a 302. Resolves with the redirect
 * target's answer; rejects when the authorize endpoint shows an error page.
 */
export async function completeAuthorize(authorizeUrl: string, opts: { caPem?: string } = {}): Promise<HttpResponse> {
  const ca = opts.caPem ?? defaultCa();
  const page = await request(authorizeUrl, { ca });
  if (page.status === 302 || page.status === 303) {
    return request(new URL(String(page.headers.location), authorizeUrl).toString(), { ca });
  }
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${page.text.replace(/<[^>]+>/g, ' ').trim()}`);
  const form = parseForm(page.text);
  if (!form) throw new Error('authorize page has no form to submit');
  return request(form.action, { body: form.fields, ca });
}
