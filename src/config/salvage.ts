import type { z } from 'zod';
import { configSchema, type OpsdeckConfig } from './schema.ts';

type Issue = z.core.$ZodIssue;
type Container = Record<PropertyKey, unknown>;

const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;
const isObject = (v: unknown): v is Container => isContainer(v) && !Array.isArray(v);

/**
 * The config with every value the schema rejected removed, so the checks that need a parsed config
 * (references between sections, approval reach) still run on the rest and all problems are listed
 * at once. Removal climbs to the nearest key of a mapping: dropping one item of a list would shift
 * the indices, and with them the paths and lines of what is reported on the rest. Undefined when
 * nothing parseable is left (a missing top-level section, say).
 */
export function salvageConfig(data: unknown, issues: readonly Issue[]): OpsdeckConfig | undefined {
  const copy = structuredClone(data);
  let pending = issues;
  // Each round removes at least one key, so this ends; the bound only guards against a schema surprise.
  for (let round = 0; round < 1000; round++) {
    let removed = false;
    for (const issue of pending) {
      const paths = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of paths) removed = prune(copy, path) || removed;
    }
    if (!removed) return undefined;
    const result = configSchema.safeParse(copy);
    if (result.success) return result.data;
    pending = result.error.issues;
  }
  return undefined;
}

const child = (node: unknown, key: PropertyKey) => (isContainer(node) ? node[key] : undefined);

function prune(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let end = path.length; end > 0; end--) {
    const parent = path.slice(0, end - 1).reduce<unknown>(child, root);
    const key = path[end - 1]!;
    if (isObject(parent) && Object.hasOwn(parent, key)) {
      delete parent[key];
      return true;
    }
  }
  return false;
}

/** Whether two dotted paths name the same value or one lies inside the other. */
export function overlaps(a: string, b: string): boolean {
  const inside = (x: string, y: string) => x === y || x.startsWith(`${y}.`) || x.startsWith(`${y}[`);
  return inside(a, b) || inside(b, a);
}
