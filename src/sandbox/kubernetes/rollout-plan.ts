import type { Deployment } from './types.ts';

/** What the planner needs to know about one ReplicaSet. */
export interface ReplicaSetState {
  name: string;
  revision: number;
  replicas: number;
  available: number;
}

/** maxSurge / maxUnavailable as pod counts: surge rounds up, unavailable down, and both 0 means 1 unavailable. */
export function rollingBounds(d: Deployment): { surge: number; unavailable: number } {
  const desired = d.spec.replicas;
  const rolling = d.spec.strategy.rollingUpdate ?? {};
  const surge = resolve(rolling.maxSurge ?? '25%', desired, Math.ceil);
  const unavailable = resolve(rolling.maxUnavailable ?? '25%', desired, Math.floor);
  return { surge, unavailable: surge === 0 && unavailable === 0 ? 1 : unavailable };
}

function resolve(value: number | string, total: number, round: (n: number) => number): number {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? round((Number(percent[1]) * total) / 100) : Number(value) || 0;
}

/**
 * One step of a RollingUpdate, as the deployment controller takes it (pkg/controller/deployment/rolling.go):
 * scale the new ReplicaSet up within maxSurge, or else scale old ones down within maxUnavailable, unhealthy
 * pods first. Returns the new replica counts of the ReplicaSets that change.
 */
export function planRollingStep(
  desired: number,
  bounds: { surge: number; unavailable: number },
  newRS: ReplicaSetState,
  oldRSs: ReplicaSetState[],
): Map<string, number> {
  const plan = new Map<string, number>();
  const total = () => [newRS, ...oldRSs].reduce((sum, rs) => sum + (plan.get(rs.name) ?? rs.replicas), 0);
  if (newRS.replicas > desired) return plan.set(newRS.name, desired);
  if (newRS.replicas < desired) {
    const up = Math.min(desired + bounds.surge - total(), desired - newRS.replicas);
    if (up > 0) return plan.set(newRS.name, newRS.replicas + up);
  }
  const minAvailable = desired - bounds.unavailable;
  let cleanup = total() - minAvailable - (newRS.replicas - newRS.available);
  if (cleanup <= 0) return plan;
  const oldest = [...oldRSs].sort((a, b) => a.revision - b.revision);
  for (const rs of oldest) {
    const unhealthy = rs.replicas - Math.min(rs.available, rs.replicas);
    if (cleanup <= 0 || unhealthy <= 0) continue;
    const down = Math.min(cleanup, unhealthy);
    plan.set(rs.name, rs.replicas - down);
    cleanup -= down;
  }
  const available = [newRS, ...oldRSs].reduce((sum, rs) => sum + rs.available, 0);
  let budget = available - minAvailable;
  for (const rs of oldest) {
    const replicas = plan.get(rs.name) ?? rs.replicas;
    if (budget <= 0 || replicas === 0) continue;
    const down = Math.min(budget, replicas);
    plan.set(rs.name, replicas - down);
    budget -= down;
  }
  return plan;
}

/** One step of a Recreate rollout: all old pods go before any new pod starts. */
export function planRecreateStep(
  desired: number,
  newRS: ReplicaSetState,
  oldRSs: ReplicaSetState[],
  oldPodsLeft: number,
): Map<string, number> {
  const plan = new Map<string, number>();
  const active = oldRSs.filter((rs) => rs.replicas > 0);
  for (const rs of active) plan.set(rs.name, 0);
  if (active.length === 0 && oldPodsLeft === 0 && newRS.replicas !== desired) plan.set(newRS.name, desired);
  return plan;
}
