// A fake Kubernetes API server for e2e tests: HTTPS on 127.0.0.1, accepts only bearer tokens signed by the
// emulator (signature, issuer, audience, expiry), or PoP tokens wrapping one (as Azure Arc's guard does),
// and serves just enough API for kubectl.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Emulator } from '../emulator';
import { makeServerCert, makeTestCA } from '../helpers/certs';
import * as k8s from './resources';

export interface ApiServerRequest {
  path: string;
  status: number;
  aud?: string;
  sub?: string;
  appid?: string;
  /** The request carried a valid PoP token (its `u` claim). */
  pop?: boolean;
  u?: string;
}

export interface ApiServer {
  url: string;
  caPem: string;
  caFile: string;
  requests: ApiServerRequest[];
  close(): Promise<void>;
}

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
/** How far a PoP token's `ts` may be from now. */
const POP_TS_SKEW_SECONDS = 300;

export interface ApiServerOptions {
  emulator: Emulator;
  audiences: string[];
  /** When set, a PoP token's `u` claim must equal it (the cluster's ARM ID). */
  popU?: string;
}

type Verified = JWTPayload & { pop?: boolean; u?: string };

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const [ca, cert] = await Promise.all([makeTestCA(), makeServerCert()]);
  const jwks = createLocalJWKSet(opts.emulator.jwks);
  const audiences = opts.audiences.flatMap((a) => [a, `spn:${a}`]);
  const requests: ApiServerRequest[] = [];

  async function verifyAccessToken(token: string): Promise<JWTPayload | undefined> {
    const { payload } = await jwtVerify(token, jwks, { audience: audiences, algorithms: ['RS256'], requiredClaims: ['exp', 'iss'] });
    return payload.iss!.startsWith(`${opts.emulator.url}/`) ? payload : undefined;
  }

  /** Outer signature by the embedded cnf.jwk, whose thumbprint is the header kid and the inner token's cnf.kid. */
  async function verifyPop(token: string): Promise<Verified | undefined> {
    const jwk = (decodeJwt(token).cnf as { jwk?: JWK } | undefined)?.jwk;
    if (!jwk || jwk.kty !== 'RSA') return undefined;
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(jwk, 'RS256'), { algorithms: ['RS256'], typ: 'pop' });
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    if (protectedHeader.kid !== kid || typeof payload.at !== 'string' || typeof payload.u !== 'string') return undefined;
    if (typeof payload.ts !== 'number' || Math.abs(Date.now() / 1000 - payload.ts) > POP_TS_SKEW_SECONDS) return undefined;
    if (opts.popU !== undefined && payload.u !== opts.popU) return undefined;
    const inner = await verifyAccessToken(payload.at);
    if ((inner?.cnf as { kid?: unknown } | undefined)?.kid !== kid) return undefined;
    return { ...inner, pop: true, u: payload.u };
  }

  async function authenticate(req: IncomingMessage): Promise<Verified | undefined> {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      return decodeProtectedHeader(token).typ === 'pop' ? await verifyPop(token) : await verifyAccessToken(token);
    } catch {
      return undefined;
    }
  }

  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const claims = await authenticate(req);
    const [statusCode, body] = claims ? route(url.pathname, req) : [401, UNAUTHORIZED];
    requests.push({
      path: url.pathname, status: statusCode,
      aud: claims && String(claims.aud), sub: claims?.sub, appid: claims?.appid as string | undefined,
      ...(claims?.pop ? { pop: true, u: claims.u } : {}),
    });
    const payload = JSON.stringify(body);
    res.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  }

  function route(path: string, req: IncomingMessage): [number, unknown] {
    const wantsTable = /as=Table/.test(req.headers.accept ?? '');
    if (req.method !== 'GET') return [405, k8s.status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`)];
    switch (path) {
      case '/version':
        return [200, k8s.version];
      case '/api':
        return [200, k8s.apiVersions(`127.0.0.1:${port}`)];
      case '/apis':
        return [200, k8s.apiGroupList];
      case '/api/v1':
        return [200, k8s.coreV1Resources];
      case '/api/v1/namespaces':
        return [200, wantsTable ? k8s.namespaceTable() : k8s.namespaceList()];
    }
    const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(path)?.[1];
    if (ns && k8s.hasNamespace(ns)) return [200, wantsTable ? k8s.namespaceTable([ns]) : k8s.namespace(ns)];
    if (ns) return [404, k8s.status(404, 'NotFound', `namespaces "${ns}" not found`)];
    return [404, k8s.status(404, 'NotFound', 'the server could not find the requested resource')];
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  return {
    url: `https://127.0.0.1:${port}`,
    caPem: ca.caPem,
    caFile: ca.caFile,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
