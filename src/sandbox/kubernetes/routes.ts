import { findResourceType, type ResourceType } from './resources.ts';

/** A request path resolved against the resource table, e.g. `/apis/apps/v1/namespaces/a/deployments/b/scale`. */
export interface ResourceRoute {
  type: ResourceType;
  /** From the URL; undefined for cluster-scoped resources and all-namespace lists. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export function parseResourcePath(path: string): ResourceRoute | undefined {
  const core = /^\/api\/(v1)(\/.*)?$/.exec(path);
  const grouped = core ? undefined : /^\/apis\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  const group = core ? '' : grouped?.[1];
  const version = core ? core[1] : grouped?.[2];
  const rest = core ? core[2] : grouped?.[3];
  if (group === undefined || !version || !rest) return undefined;
  let segments = rest.split('/').filter(Boolean).map(decodeURIComponent);
  let namespace: string | undefined;
  if (segments[0] === 'namespaces' && segments.length >= 3) {
    namespace = segments[1];
    segments = segments.slice(2);
  }
  const [plural, name, subresource, ...extra] = segments;
  if (!plural || extra.length > 0) return undefined;
  const type = findResourceType(group, version, plural);
  if (!type || (namespace !== undefined && !type.namespaced)) return undefined;
  if (subresource && !type.subresources?.some((s) => s.name === subresource)) return undefined;
  return { type, namespace, name, subresource };
}
