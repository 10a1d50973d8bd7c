import { timestamp } from './store.ts';
import type { Condition, Deployment, DeploymentStatus, ReplicaSet } from './types.ts';

export const TIMED_OUT = 'ProgressDeadlineExceeded';
const NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';

/**
 * Sets a condition the way the controller does: lastTransitionTime moves only when the status flips, and an
 * unchanged condition keeps its lastUpdateTime unless `touch` asks for a fresh one.
 */
export function setCondition(
  status: DeploymentStatus,
  condition: Omit<Condition, 'lastUpdateTime' | 'lastTransitionTime'>,
  now: number,
  touch = false,
): void {
  const conditions = status.conditions ?? [];
  const current = conditions.find((c) => c.type === condition.type);
  const same =
    current?.status === condition.status &&
    current.reason === condition.reason &&
    current.message === condition.message;
  if (same && !touch) return;
  const at = timestamp(now);
  const next: Condition = {
    ...condition,
    lastUpdateTime: at,
    lastTransitionTime: current?.status === condition.status ? (current.lastTransitionTime ?? at) : at,
  };
  status.conditions = [...conditions.filter((c) => c.type !== condition.type), next].sort(
    (a, b) => conditionOrder(a.type) - conditionOrder(b.type),
  );
}

function conditionOrder(type: string): number {
  return type === 'Available' ? 0 : type === 'Progressing' ? 1 : 2;
}

export function progressingCondition(status: DeploymentStatus): Condition | undefined {
  return status.conditions?.find((c) => c.type === 'Progressing');
}

/** The counts of pkg/controller/deployment/sync.go calculateStatus; zero counts are omitted as on the wire. */
export function countStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const sum = (pick: (rs: ReplicaSet) => number | undefined) => all.reduce((n, rs) => n + (pick(rs) ?? 0), 0);
  const available = sum((rs) => rs.status.availableReplicas);
  const counts = {
    replicas: sum((rs) => rs.status.replicas),
    updatedReplicas: newRS?.status.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sum((rs) => rs.spec.replicas) - available),
  };
  const status: DeploymentStatus = { observedGeneration: d.metadata.generation ?? 1 };
  for (const [field, value] of Object.entries(counts)) {
    if (value > 0) status[field as keyof typeof counts] = value;
  }
  if (d.status.conditions) status.conditions = structuredClone(d.status.conditions);
  return status;
}

/** `kubectl rollout status` success: everything updated, nothing old left, everything available. */
function isComplete(d: Deployment, status: DeploymentStatus): boolean {
  const desired = d.spec.replicas;
  return (
    (status.updatedReplicas ?? 0) === desired &&
    (status.replicas ?? 0) === desired &&
    (status.availableReplicas ?? 0) === desired &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** pkg/controller/deployment/util.DeploymentProgressing: any count moved the right way since the last status. */
function madeProgress(before: DeploymentStatus, after: DeploymentStatus): boolean {
  const n = (v: number | undefined) => v ?? 0;
  const oldBefore = n(before.replicas) - n(before.updatedReplicas);
  const oldAfter = n(after.replicas) - n(after.updatedReplicas);
  return (
    n(after.updatedReplicas) > n(before.updatedReplicas) ||
    oldAfter < oldBefore ||
    n(after.readyReplicas) > n(before.readyReplicas) ||
    n(after.availableReplicas) > n(before.availableReplicas)
  );
}

/** Updates Available and Progressing on `status` (a fresh count) from what happened since `before`. */
export function updateConditions(
  d: Deployment,
  before: DeploymentStatus,
  status: DeploymentStatus,
  context: {
    newRSName: string | undefined;
    unavailable: number;
    now: number;
    /** When the rollout last made progress (ms). */
    lastProgress: number;
    deadlineMs: number;
  },
): 'progressed' | 'steady' {
  const { now } = context;
  const available = (status.availableReplicas ?? 0) >= d.spec.replicas - context.unavailable;
  setCondition(
    status,
    available
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    now,
  );
  const current = progressingCondition(status);
  const rs = `ReplicaSet "${context.newRSName ?? d.metadata.name}"`;
  const progressing = (state: Condition['status'], reason: string, message: string, touch = false) =>
    setCondition(status, { type: 'Progressing', status: state, reason, message }, now, touch);
  if (d.spec.paused) {
    progressing('Unknown', 'DeploymentPaused', 'Deployment is paused');
    return 'steady';
  }
  if (current?.reason === 'DeploymentPaused') {
    progressing('Unknown', 'DeploymentResumed', 'Deployment is resumed');
    return 'progressed';
  }
  if (isComplete(d, status)) {
    progressing('True', NEW_RS_AVAILABLE, `${rs} has successfully progressed.`);
    return 'steady';
  }
  if (madeProgress(before, status)) {
    // touch: a fresh lastUpdateTime is what restarts the progress deadline.
    progressing('True', 'ReplicaSetUpdated', `${rs} is progressing.`, true);
    return 'progressed';
  }
  const timedOut =
    current !== undefined &&
    current.reason !== NEW_RS_AVAILABLE &&
    (current.reason === TIMED_OUT || now - context.lastProgress > context.deadlineMs);
  if (timedOut) progressing('False', TIMED_OUT, `${rs} has timed out progressing.`);
  return 'steady';
}
