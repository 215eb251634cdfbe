// Runs one @azure/msal-node flow against the emulator in a child process (NODE_EXTRA_CA_CERTS is only read at
// start-up) and prints one JSON line per event on stdout. The spec comes as JSON in argv[2].
import { execFile } from 'node:child_process';
import {
  ConfidentialClientApplication,
  ManagedIdentityApplication,
  PublicClientApplication,
  type AuthenticationResult,
} from '@azure/msal-node';
import { fakeBrowserSh } from '../../helpers/paths';
import { completeAuthorize } from '../../helpers/browser';

export interface ChildSpec {
  flow: 'cca-secret' | 'cca-cert' | 'cca-assertion' | 'device' | 'ropc' | 'interactive' | 'mi';
  authority?: string;
  knownAuthorities?: string[];
  clientId?: string;
  scopes?: string[];
  secret?: string;
  certificate?: { thumbprintSha256?: string; thumbprint?: string; privateKey: string; x5c?: string };
  assertion?: string;
  username?: string;
  password?: string;
  loginHint?: string;
  /** interactive: open the URL with fake-browser.sh (as $BROWSER would) instead of in-process. */
  browserScript?: boolean;
  mi?: { clientId?: string; resourceId?: string; objectId?: string };
  resource?: string;
  /** After the first token: also try the cache (silent), then a forced refresh. */
  thenSilent?: boolean;
  repeat?: number;
}

const emit = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

function summary(r: AuthenticationResult | null) {
  if (!r) return { result: null };
  return {
    result: {
      accessToken: r.accessToken,
      expiresOn: r.expiresOn?.toISOString(),
      fromCache: r.fromCache,
      tenantId: r.tenantId,
      scopes: r.scopes,
      account: r.account && { username: r.account.username, homeAccountId: r.account.homeAccountId, tenantId: r.account.tenantId },
      idTokenClaims: r.idTokenClaims,
    },
  };
}

function openWithScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(fakeBrowserSh, [url], (err, _out, stderr) => (err ? reject(new Error(`fake-browser failed: ${stderr}`)) : resolve()));
  });
}

async function run(spec: ChildSpec): Promise<void> {
  const auth = { clientId: spec.clientId ?? '', authority: spec.authority, knownAuthorities: spec.knownAuthorities };
  const scopes = spec.scopes ?? [];
  const times = spec.repeat ?? 1;
  switch (spec.flow) {
    case 'cca-secret':
    case 'cca-cert':
    case 'cca-assertion': {
      const cca = new ConfidentialClientApplication({
        auth: {
          ...auth,
          clientSecret: spec.secret,
          clientCertificate: spec.certificate,
          clientAssertion: spec.assertion,
        },
      });
      for (let i = 0; i < times; i++) emit(summary(await cca.acquireTokenByClientCredential({ scopes })));
      return;
    }
    case 'device':
    case 'ropc':
    case 'interactive': {
      const pca = new PublicClientApplication({ auth });
      let r: AuthenticationResult | null;
      if (spec.flow === 'device') {
        r = await pca.acquireTokenByDeviceCode({ scopes, deviceCodeCallback: (d) => emit({ deviceCode: d }) });
      } else if (spec.flow === 'ropc') {
        r = await pca.acquireTokenByUsernamePassword({ scopes, username: spec.username!, password: spec.password! });
      } else {
        r = await pca.acquireTokenInteractive({
          scopes,
          loginHint: spec.loginHint,
          openBrowser: async (url) => {
            emit({ authorizeUrl: url });
            if (spec.browserScript) await openWithScript(url);
            else await completeAuthorize(url);
          },
        });
      }
      emit(summary(r));
      if (spec.thenSilent && r?.account) {
        emit(summary(await pca.acquireTokenSilent({ scopes, account: r.account })));
        emit(summary(await pca.acquireTokenSilent({ scopes, account: r.account, forceRefresh: true })));
      }
      return;
    }
    case 'mi': {
      const mia = new ManagedIdentityApplication({
        managedIdentityIdParams: {
          userAssignedClientId: spec.mi?.clientId,
          userAssignedResourceId: spec.mi?.resourceId,
          userAssignedObjectId: spec.mi?.objectId,
        },
      });
      emit({ source: mia.getManagedIdentitySource() });
      for (let i = 0; i < times; i++) emit(summary(await mia.acquireToken({ resource: spec.resource! })));
      return;
    }
  }
}

run(JSON.parse(process.argv[2]) as ChildSpec).then(
  () => process.exit(0),
  (e) => {
    emit({ error: { name: e?.name, errorCode: e?.errorCode, message: String(e?.message ?? e).slice(0, 2000) } });
    process.exit(1);
  },
);
