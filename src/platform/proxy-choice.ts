// Which proxy a request goes through: HTTPS_PROXY / HTTP_PROXY / NO_PROXY (and their lower-case
// forms, which win) as curl and Go read them. undici's EnvHttpProxyAgent knows host names and ports
// but not CIDR blocks (NO_PROXY=10.0.0.0/8, fd00::/8), which corporate and cluster setups use.
import { BlockList, isIP } from 'node:net';
import type { Env } from '../cli/env';

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 };

function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) if (env[name]) return env[name];
  return undefined;
}

/** The proxy URL for a request, or undefined to go direct. */
export function proxyFor(url: URL, env: Env): string | undefined {
  const http = first(env, 'http_proxy', 'HTTP_PROXY');
  // As undici: an https request falls back to HTTP_PROXY when no HTTPS_PROXY is set.
  const proxy = url.protocol === 'https:' ? (first(env, 'https_proxy', 'HTTPS_PROXY') ?? http) : http;
  if (!proxy || bypassesProxy(url, first(env, 'no_proxy', 'NO_PROXY') ?? '')) return undefined;
  // curl and Go take `host:port` without a scheme as an http proxy.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/**
 * NO_PROXY entries, comma or space separated: `*` (everything); a host name, matching itself and its
 * subdomains (a leading `.` or `*.` is ignored); an IP address; a CIDR block (`10.0.0.0/8`,
 * `fd00::/8`), matching IP-literal hosts; each optionally with `:port`.
 */
export function bypassesProxy(url: URL, noProxy: string): boolean {
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port) || DEFAULT_PORT[url.protocol] || 0;
  const hostFamily = isIP(host);
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const { name, port: entryPort } = splitPort(entry);
    if (entryPort && entryPort !== port) continue;
    const cidr = /^(.+)\/(\d{1,3})$/.exec(name);
    if (cidr) {
      const family = isIP(cidr[1]);
      if (family && hostFamily === family && inBlock(host, cidr[1], Number(cidr[2]), family)) return true;
      continue;
    }
    const family = isIP(name);
    if (family) {
      if (hostFamily === family && inBlock(host, name, family === 4 ? 32 : 128, family)) return true;
      continue;
    }
    const domain = name.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function splitPort(entry: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  if (isIP(entry.replace(/\/\d+$/, '')) === 6) return { name: entry };
  const m = /^(.*):(\d+)$/.exec(entry);
  return m ? { name: m[1], port: Number(m[2]) } : { name: entry };
}

function inBlock(host: string, network: string, prefix: number, family: number): boolean {
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix > (family === 4 ? 32 : 128)) return false;
  try {
    const block = new BlockList();
    block.addSubnet(network, prefix, type);
    return block.check(host, type);
  } catch {
    return false;
  }
}
