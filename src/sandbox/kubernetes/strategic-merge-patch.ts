import { badRequest } from './api-error.ts';
import { isRecord } from './json-patch.ts';

type Json = Record<string, unknown>;

/**
 * Lists that merge item by item in strategic merge patch, keyed by their field name and the item's merge key.
 * The real server reads `patchStrategy`/`patchMergeKey` from the Go types; these field names are unambiguous
 * within the kinds the emulator serves.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  ports: 'containerPort',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** Primitive lists with `patchStrategy:"merge"`: patch values are added, not substituted. */
const MERGED_PRIMITIVE_LISTS = new Set(['finalizers']);

const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVES = '$deleteFromPrimitiveList/';

/** Kubernetes strategic merge patch, including the directives kubectl generates (`$setElementOrder`, `$patch`, …). */
export function applyStrategicMergePatch(original: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeMap(isRecord(original) ? structuredClone(original) : {}, patch);
}

function mergeMap(original: Json, patch: Json): Json {
  if (patch.$patch === 'replace') return stripDirectives(patch) as Json;
  if (patch.$patch === 'delete') return {};
  const result: Json = { ...original };
  if (Array.isArray(patch.$retainKeys)) {
    const retain = new Set(patch.$retainKeys);
    for (const key of Object.keys(result)) if (!retain.has(key)) delete result[key];
  }
  const orders: [string, unknown[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith(SET_ORDER)) {
      if (!Array.isArray(value)) throw badRequest(`invalid ${key}: must be a list`);
      orders.push([key.slice(SET_ORDER.length), value]);
    } else if (key.startsWith(DELETE_PRIMITIVES)) {
      const field = key.slice(DELETE_PRIMITIVES.length);
      const doomed = new Set(Array.isArray(value) ? value : []);
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((v) => !doomed.has(v));
    } else if (value === null || (isRecord(value) && value.$patch === 'delete')) {
      delete result[key];
    } else if (isRecord(value)) {
      const current = result[key];
      result[key] = mergeMap(isRecord(current) ? current : {}, value);
    } else if (Array.isArray(value)) {
      const current = result[key];
      result[key] = mergeList(key, Array.isArray(current) ? current : [], value);
    } else {
      result[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const current = result[field];
    if (Array.isArray(current)) result[field] = reorder(current, order, MERGE_KEYS[field]);
  }
  return result;
}

function mergeList(field: string, current: unknown[], patch: unknown[]): unknown[] {
  if (patch.some((item) => isRecord(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isRecord(item) && item.$patch === 'replace')).map(stripDirectives);
  }
  const mergeKey = MERGE_KEYS[field];
  if (mergeKey && patch.every(isRecord)) {
    const result = [...current];
    for (const item of patch) {
      const index = result.findIndex((e) => isRecord(e) && e[mergeKey] === item[mergeKey]);
      if (item.$patch === 'delete') {
        if (index >= 0) result.splice(index, 1);
      } else if (index >= 0) {
        const existing = result[index];
        result[index] = mergeMap(isRecord(existing) ? existing : {}, item);
      } else {
        result.push(mergeMap({}, item));
      }
    }
    return result;
  }
  if (MERGED_PRIMITIVE_LISTS.has(field)) return [...new Set([...current, ...patch])];
  return patch.map(stripDirectives);
}

/** Puts the items named in a `$setElementOrder` list first, in that order; the rest keep their relative order. */
function reorder(items: unknown[], order: unknown[], mergeKey: string | undefined): unknown[] {
  const identity = (item: unknown) => (mergeKey && isRecord(item) ? item[mergeKey] : item);
  const rank = new Map(order.map((o, i) => [identity(o), i]));
  const ranked = items.filter((item) => rank.has(identity(item)));
  ranked.sort((a, b) => (rank.get(identity(a)) ?? 0) - (rank.get(identity(b)) ?? 0));
  return [...ranked, ...items.filter((item) => !rank.has(identity(item)))];
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !key.startsWith('$'))
      .map(([key, v]) => [key, stripDirectives(v)]),
  );
}
