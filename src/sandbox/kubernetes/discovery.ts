import { apiVersionOf, groupVersions, RESOURCE_TYPES } from './resources.ts';

/** The version kubectl sees; its version skew policy (±1 minor) is happy with any kubectl 1.31-1.33. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4-opsdeck-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.8',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const LOOPBACK_CIDR = [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }];

/** Returns the discovery document for `path`, or undefined when the path is not a discovery endpoint. */
export function discoveryDocument(path: string): unknown {
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: LOOPBACK_CIDR };
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups() };
  if (path === '/api/v1') return resourceList('', 'v1');
  const match = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!match?.[1]) return undefined;
  const [, group, version] = match;
  const versions = groupVersions().get(group);
  if (!versions) return undefined;
  if (!version) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
  return versions.includes(version) ? resourceList(group, version) : undefined;
}

function apiGroups() {
  return [...groupVersions()].filter(([group]) => group !== '').map(([group, versions]) => apiGroup(group, versions));
}

function apiGroup(group: string, versions: string[]) {
  const entries = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: entries, preferredVersion: entries[0] };
}

function resourceList(group: string, version: string) {
  const resources = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version).flatMap((type) => [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
      ...(type.categories ? { categories: type.categories } : {}),
    },
    ...(type.subresources ?? []).map((sub) => ({
      name: `${type.plural}/${sub.name}`,
      singularName: '',
      namespaced: type.namespaced,
      ...(sub.group ? { group: sub.group, version: sub.version } : {}),
      kind: sub.kind,
      verbs: sub.verbs,
    })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}
