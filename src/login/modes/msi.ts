// --login msi: the managed identity of the VM, pod or service (login/msi.ts).
import { flagOnly } from '../convert-args';
import { defineMode } from '../mode';

export const msi = defineMode({
  name: 'msi',
  kind: 'app',
  requires: [],
  // A client id wins over a resource id, as in Azure/kubelogin; neither means system-assigned. IMDS
  // takes no tenant or authority, so they do not split the cache.
  identity: (o) => ({
    authorityHost: '',
    tenantId: '',
    extra: o.clientId ? `client:${o.clientId}` : o.identityResourceId ? `resource:${o.identityResourceId.toLowerCase()}` : 'system',
  }),
  convertArgs: (_, f) => (f.has('client-id') ? flagOnly(f, 'client-id') : flagOnly(f, 'identity-resource-id')),
  mayPrompt: false,
});
