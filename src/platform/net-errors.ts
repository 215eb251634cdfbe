// Why a request never got an HTTP answer, in words a user can act on. fetch reports every failure as
// "fetch failed"; the reason is in its cause chain (a Node system error, a TLS verification code, an
// undici proxy error), which this reads.

export interface FailureContext {
  url: URL;
  /** The proxy the request went through, if any. */
  proxy?: string;
  /** Trust sources the user named that gave nothing (SSL_CERT_FILE unreadable...), for the TLS hint. */
  trustProblems?: string[];
}

const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE', 'CERT_REJECTED', 'INVALID_CA',
]);
const NOT_RESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const TIMED_OUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const CLOSED = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

interface Link {
  code?: string;
  message: string;
  hostname?: string;
  address?: string;
  port?: number;
}

/** The errors of a cause chain, outermost first. */
function chain(err: unknown): Link[] {
  const links: Link[] = [];
  for (let e = err as (Link & { cause?: unknown }) | undefined; e && typeof e === 'object' && links.length < 8; e = e.cause as typeof e) {
    links.push({ code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? ''), hostname: e.hostname, address: e.address, port: e.port });
  }
  return links;
}

/** True when the failure is a certificate that no trusted CA vouches for. */
export function isUntrusted(err: unknown): boolean {
  return chain(err).some((l) => l.code !== undefined && UNTRUSTED.has(l.code));
}

/** Strips user:password@ from a proxy URL. */
export function proxyLabel(proxy: string): string {
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the proxy';
  }
}

/** One clause: what failed and what to do (no trailing period). */
export function describeNetworkFailure(err: unknown, c: FailureContext): string {
  const links = chain(err);
  const host = c.url.host;
  const proxy = c.proxy ? proxyLabel(c.proxy) : undefined;
  const proxyHost = c.proxy ? safeUrl(c.proxy)?.hostname : undefined;
  const proxyVar = c.url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const find = (codes: Set<string>) => links.find((l) => l.code && codes.has(l.code));
  const detail = (l: Link) => `${l.code}${l.message && !l.message.includes(l.code ?? '') ? `: ${l.message}` : ''}`;

  const tunnel = links.map((l) => /Proxy response \((\d+)\) !== 200 when HTTP Tunneling/.exec(l.message)).find(Boolean);
  if (tunnel && proxy) {
    const status = Number(tunnel[1]);
    const remedy = status === 407
      ? `put the proxy's credentials in ${proxyVar} (http://user:password@host:port)`
      : `check the proxy's rules for ${c.url.hostname}, or list the host in NO_PROXY if it is reachable without the proxy`;
    return `the proxy ${proxy} refused to open a tunnel to ${host} (HTTP ${status}${status === 407 ? ' Proxy Authentication Required' : ''}): ${remedy}`;
  }
  const untrusted = find(UNTRUSTED);
  if (untrusted) {
    const notes = c.trustProblems?.length ? ` (note: ${c.trustProblems.join('; ')})` : '';
    return (
      `the TLS certificate of ${host} is not trusted (${detail(untrusted)}): if a proxy or firewall inspects TLS, ` +
      `add the CA certificate that issued it to the file named by SSL_CERT_FILE (or a folder in SSL_CERT_DIR, or NODE_EXTRA_CA_CERTS)${notes}`
    );
  }
  const expired = links.find((l) => l.code === 'CERT_HAS_EXPIRED' || l.code === 'CERT_NOT_YET_VALID');
  if (expired) return `the TLS certificate of ${host} is expired or not yet valid (${detail(expired)}): check the system clock, or the proxy that presents it`;
  const altname = links.find((l) => l.code === 'ERR_TLS_CERT_ALTNAME_INVALID');
  if (altname) return `the TLS certificate of ${host} is not valid for that name (${detail(altname)}): check --authority-host, or the proxy that presents it`;

  const unresolved = find(NOT_RESOLVED);
  if (unresolved) {
    if (proxyHost && unresolved.hostname === proxyHost) return `the proxy host name in ${proxyVar} (${proxy}) cannot be resolved (${unresolved.code}): check ${proxyVar} and DNS`;
    return `the host name ${unresolved.hostname ?? c.url.hostname} cannot be resolved (${unresolved.code}): check --authority-host / --environment and DNS${proxy ? '' : `, or set ${proxyVar} if the network needs a proxy`}`;
  }
  const refused = links.find((l) => l.code === 'ECONNREFUSED');
  if (refused) {
    const at = refused.address ? `${refused.address}:${refused.port}` : host;
    if (proxy) return `the proxy ${proxy} refused the connection (ECONNREFUSED ${at}): check ${proxyVar}, or NO_PROXY`;
    return `${host} refused the connection (ECONNREFUSED ${at}): check --authority-host / --environment, and that nothing blocks the port`;
  }
  const timedOut = find(TIMED_OUT);
  if (timedOut) {
    const to = proxy ? `the proxy ${proxy}` : host;
    return `the connection to ${to} timed out (${timedOut.code}): check the network and firewall${proxy ? `, and ${proxyVar}` : `, or set ${proxyVar} if the network needs a proxy`}`;
  }
  const unreachable = find(UNREACHABLE);
  if (unreachable) return `${proxy ? `the proxy ${proxy}` : host} is unreachable (${unreachable.code}): check the network${proxy ? ` and ${proxyVar}` : `, or set ${proxyVar} if the network needs a proxy`}`;
  const closed = find(CLOSED);
  if (closed) return `${host} closed the connection (${detail(closed)}): a proxy or firewall may be in the way; check ${proxyVar} / NO_PROXY`;
  const last = links[links.length - 1];
  return `cannot reach ${host}${proxy ? ` through ${proxy}` : ''}: ${last ? (last.code ? detail(last) : last.message) : 'unknown error'}; check the network${proxy ? ` and ${proxyVar}` : ''}`;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
