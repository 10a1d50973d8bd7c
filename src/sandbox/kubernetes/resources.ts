/**
 * The API resources the emulator serves. Discovery documents and routing are both derived from this table, so
 * kubectl only ever learns about endpoints that exist.
 */

export interface SubresourceType {
  name: string;
  kind: string;
  verbs: string[];
  /** Set when the subresource speaks another group's kind (deployments/scale is an autoscaling/v1 Scale). */
  group?: string;
  version?: string;
}

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceType[];
  /** The plural under which objects are stored; versions of one resource share storage (HPA v1 and v2). */
  storage: string;
}

const READ = ['get', 'list', 'watch'];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', ...READ],
    shortNames: ['ns'],
    storage: 'namespaces',
  },
  {
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: READ,
    shortNames: ['po'],
    categories: ['all'],
    subresources: [{ name: 'log', kind: 'Pod', verbs: ['get'] }],
    storage: 'pods',
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    verbs: ['create', 'patch', 'update', ...READ],
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'Deployment', verbs: ['get'] },
    ],
    storage: 'deployments',
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    verbs: READ,
    shortNames: ['rs'],
    categories: ['all'],
    storage: 'replicasets',
  },
  ...['v2', 'v1'].map(
    (version): ResourceType => ({
      group: 'autoscaling',
      version,
      plural: 'horizontalpodautoscalers',
      singular: 'horizontalpodautoscaler',
      kind: 'HorizontalPodAutoscaler',
      namespaced: true,
      verbs: READ,
      shortNames: ['hpa'],
      categories: ['all'],
      storage: 'horizontalpodautoscalers',
    }),
  ),
];

/** Group versions in preference order: the first version listed for a group is its preferred one. */
export function groupVersions(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const type of RESOURCE_TYPES) {
    const versions = groups.get(type.group) ?? [];
    if (!versions.includes(type.version)) versions.push(type.version);
    groups.set(type.group, versions);
  }
  return groups;
}

export function findResourceType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function apiVersionOf(type: { group: string; version: string }): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** The stored (preferred) type for a storage key: objects are kept in this shape. */
export function storageType(storage: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => t.storage === storage);
  if (!type) throw new Error(`unknown storage ${storage}`);
  return type;
}
