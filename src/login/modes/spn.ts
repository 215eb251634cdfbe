// --login spn: a service principal with a client secret or certificate (login/spn.ts).
import { bare, flagOnly, identityArgs, popArgs } from '../convert-args';
import { defineMode, keyParts, legacyPart, popPart } from '../mode';
import { envOf, option, passOrSet } from '../requirements';

export const spn = defineMode({
  name: 'spn',
  kind: 'app',
  requires: [
    option('client-id', 'client ID'),
    option('tenant-id', 'tenant ID'),
    {
      problem: 'client secret cannot be empty',
      label: 'client secret or certificate',
      missing: (o) => !o.clientCertificate && !o.clientSecret,
      remedy: (o) => `${passOrSet('client-secret', o)} (or use a certificate: --client-certificate or ${envOf('client-certificate', o)})`,
    },
  ],
  identity: (o) => ({ extra: keyParts(legacyPart(o), popPart(o)) }),
  convertArgs: (v, f) => [
    ...identityArgs(v),
    ...flagOnly(f, 'client-secret', 'client-certificate', 'client-certificate-password'),
    ...bare('--legacy', v.legacy),
    ...popArgs(v),
    ...bare('--disable-environment-override', f.has('disable-environment-override')),
  ],
  writesSecrets: ['client-secret', 'client-certificate-password'],
  mayPrompt: false,
  // ADAL v1 (--legacy) has no PoP.
  pop: (o) => !o.legacy,
});
