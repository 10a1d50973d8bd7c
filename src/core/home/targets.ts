import type { Catalog } from '../catalog.ts';
import type { Permissions } from '../policy.ts';

/** The verbs a person acts on a service with; what App Home and the forms offer. */
export const ACTING_VERBS = ['deploy', 'rollback', 'scale', 'logs'] as const;

export interface AllowedTarget {
  service: string;
  env: string;
  /** Which of the verbs asked about the roles grant here. */
  verbs: string[];
}

/** Environments a service runs in: its own list, else every environment. */
export function envsOf(catalog: Catalog, service: string): string[] {
  return [...(catalog.services[service]?.environments ?? Object.keys(catalog.environments))];
}

/**
 * Every service and environment where the roles grant one of `verbs`, decided by the same policy as the
 * dispatcher: what a person is shown to act on is exactly what a command would let them do.
 */
export function allowedTargets(
  catalog: Catalog,
  permissions: Permissions,
  roles: readonly string[],
  verbs: readonly string[] = ACTING_VERBS,
): AllowedTarget[] {
  const out: AllowedTarget[] = [];
  for (const service of Object.keys(catalog.services)) {
    for (const env of envsOf(catalog, service)) {
      const granted = verbs.filter((verb) => permissions.allows(roles, { verb, service, env }));
      if (granted.length) out.push({ service, env, verbs: granted });
    }
  }
  return out;
}
