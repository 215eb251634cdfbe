// The few Kubernetes API documents kubectl needs for `get --raw /version` and `get namespaces`.

const CREATED = '2024-01-01T00:00:00Z';
const NAMESPACES = ['default', 'kube-system'];

export const version = {
  major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean', buildDate: CREATED, goVersion: 'go1.23.4', compiler: 'gc', platform: 'linux/amd64',
};

export const apiVersions = (serverAddress: string) => ({
  kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
});

export const apiGroupList = { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };

export const coreV1Resources = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [{
    name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace',
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['ns'],
  }],
};

const uid = (name: string) => `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padEnd(12, '0').slice(0, 12)}`;

export function namespace(name: string) {
  return {
    kind: 'Namespace', apiVersion: 'v1',
    metadata: { name, uid: uid(name), resourceVersion: '1', creationTimestamp: CREATED, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export const hasNamespace = (name: string) => NAMESPACES.includes(name);

export const namespaceList = () => ({
  kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: NAMESPACES.map(namespace),
});

/** What the API server sends for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl's table output). */
export function namespaceTable(names = NAMESPACES) {
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: '1' },
    columnDefinitions: [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      { name: 'Status', type: 'string', format: '', description: 'The status of the namespace', priority: 0 },
      { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
    ],
    rows: names.map((name) => ({
      cells: [name, 'Active', '1y'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: namespace(name).metadata },
    })),
  };
}

export const status = (code: number, reason: string, message: string) => ({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code,
});
