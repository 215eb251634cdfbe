// Scope and resource: Azure/kubelogin's GetScope, and the two ways back to a v1 `resource` that
// upstream uses (they differ only for a server id that contains "/.default" itself).

/** GetScope: trims trailing slashes and appends /.default unless already there. */
export function scopeFor(serverId: string): string {
  if (serverId.endsWith('/.default')) return serverId;
  return serverId.replace(/\/+$/, '') + '/.default';
}

/** The resource az, azd and IMDS are asked for: the scope without its trailing `/.default`. */
export function resourceOf(scope: string): string {
  return scope.replace(/\/\.default$/, '');
}

/** ADAL's v1 resource (--legacy): the scope with its *first* `/.default` removed, as upstream does. */
export function adalResource(scope: string): string {
  return scope.replace('/.default', '');
}
