import {
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  NOT_COPIED_TO_REPLICA_SET,
  POD_TEMPLATE_HASH,
  REVISION,
  REVISION_HISTORY,
  revisionOf,
} from './annotations.ts';
import { countStatus, setCondition, updateConditions } from './deployment-status.ts';
import type { FailureRules } from './failures.ts';
import { controllerRef, isControlledBy } from './owner-references.ts';
import { planRecreateStep, planRollingStep, type ReplicaSetState, rollingBounds } from './rollout-plan.ts';
import type { ObjectStore } from './store.ts';
import { sameTemplate, templateHash } from './template-hash.ts';
import type { Deployment, ReplicaSet } from './types.ts';

export interface DeploymentSyncContext {
  store: ObjectStore;
  failures: FailureRules;
  now: number;
  /** Scales `progressDeadlineSeconds` (and so every emulated wait) to wall-clock ms. */
  timeScale: number;
  /** When each Deployment (by uid) last made progress, in ms; the wire format only has whole seconds. */
  lastProgress: Map<string, number>;
}

/** One pass of the deployment controller over `d`: pick or create the new ReplicaSet, take a rollout step, report. */
export function syncDeployment(ctx: DeploymentSyncContext, d: Deployment): void {
  const before = structuredClone(d.status);
  const uid = d.metadata.uid ?? '';
  const owned = ownedReplicaSets(ctx.store, d);
  const matching = owned.find((rs) => sameTemplate(rs.spec.template, d.spec.template));
  const newRS = d.spec.paused ? matching : adoptNewReplicaSet(ctx, d, owned, matching);
  if (newRS) d.metadata.annotations = { ...d.metadata.annotations, [REVISION]: String(revisionOf(newRS)) };

  const bounds = rollingBounds(d);
  const oldRSs = owned.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  const plan = planStep(d, newRS, oldRSs, bounds);
  for (const rs of newRS ? [newRS, ...oldRSs] : oldRSs) {
    const replicas = plan.get(rs.metadata.name);
    if (replicas === undefined) continue;
    rs.spec.replicas = replicas;
    rs.metadata.annotations = {
      ...rs.metadata.annotations,
      [DESIRED_REPLICAS]: String(d.spec.replicas),
      [MAX_REPLICAS]: String(d.spec.replicas + bounds.surge),
    };
    ctx.store.update('replicasets', rs);
  }
  pruneHistory(ctx.store, d, oldRSs);

  const current = ownedReplicaSets(ctx.store, d);
  const status = countStatus(
    d,
    current,
    current.find((rs) => rs.metadata.uid === newRS?.metadata.uid),
  );
  const outcome = updateConditions(d, before, status, {
    newRSName: newRS?.metadata.name,
    unavailable: bounds.unavailable,
    now: ctx.now,
    lastProgress: ctx.lastProgress.get(uid) ?? ctx.now,
    deadlineMs: d.spec.progressDeadlineSeconds * 1000 * ctx.timeScale,
  });
  if (outcome === 'progressed' || !ctx.lastProgress.has(uid)) ctx.lastProgress.set(uid, ctx.now);
  d.status = status;
  ctx.store.update('deployments', d);
}

function planStep(
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
  bounds: { surge: number; unavailable: number },
): Map<string, number> {
  const desired = d.spec.replicas;
  const olds = oldRSs.map(state);
  if (d.spec.paused) {
    // Paused: no rollout, but a scale still lands on the one active ReplicaSet.
    const active = [...(newRS ? [state(newRS)] : []), ...olds].filter((rs) => rs.replicas > 0);
    const target =
      active.length === 1 ? active[0] : active.length === 0 ? (newRS ? state(newRS) : undefined) : undefined;
    return target && target.replicas !== desired ? new Map([[target.name, desired]]) : new Map();
  }
  if (!newRS) return new Map();
  if (d.spec.strategy.type === 'Recreate') {
    const oldPods = oldRSs.reduce((n, rs) => n + rs.status.replicas, 0);
    return planRecreateStep(desired, state(newRS), olds, oldPods);
  }
  return planRollingStep(desired, bounds, state(newRS), olds);
}

function state(rs: ReplicaSet): ReplicaSetState {
  return {
    name: rs.metadata.name,
    revision: revisionOf(rs),
    replicas: rs.spec.replicas,
    available: rs.status.availableReplicas ?? 0,
  };
}

export function ownedReplicaSets(store: ObjectStore, d: Deployment): ReplicaSet[] {
  return store.list<ReplicaSet>('replicasets', d.metadata.namespace).filter((rs) => isControlledBy(rs, d));
}

/**
 * Makes the ReplicaSet whose template matches the Deployment's the newest revision: creates it, or revives an
 * old one (a rollback) and moves its revision to the top. Deployment annotations are copied onto it.
 */
function adoptNewReplicaSet(
  ctx: DeploymentSyncContext,
  d: Deployment,
  owned: ReplicaSet[],
  existing: ReplicaSet | undefined,
): ReplicaSet {
  const top = Math.max(0, ...owned.map(revisionOf));
  const namespace = d.metadata.namespace ?? 'default';
  if (!existing) {
    const created = ctx.store.create('replicasets', newReplicaSet(d, top + 1));
    ctx.failures.claimRollout(namespace, d.metadata.name, created.metadata.uid ?? '');
    startRollout(ctx, d, 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`);
    return created;
  }
  const annotations = { ...existing.metadata.annotations, ...copiedAnnotations(d) };
  const revision = revisionOf(existing);
  const revived = revision < top;
  if (revived) {
    const history = [annotations[REVISION_HISTORY], String(revision)].filter(Boolean).join(',');
    Object.assign(annotations, { [REVISION]: String(top + 1), [REVISION_HISTORY]: history });
    ctx.failures.claimRollout(namespace, d.metadata.name, existing.metadata.uid ?? '');
    startRollout(ctx, d, 'FoundNewReplicaSet', `Found new replica set "${existing.metadata.name}"`);
  }
  existing.metadata.annotations = annotations;
  return ctx.store.update('replicasets', existing);
}

function startRollout(ctx: DeploymentSyncContext, d: Deployment, reason: string, message: string): void {
  setCondition(d.status, { type: 'Progressing', status: 'True', reason, message }, ctx.now);
  ctx.lastProgress.set(d.metadata.uid ?? '', ctx.now);
}

function copiedAnnotations(d: Deployment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED_TO_REPLICA_SET.has(k)),
  );
}

export function newReplicaSet(d: Deployment, revision: number): ReplicaSet {
  const hash = templateHash(d.spec.template);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: { ...copiedAnnotations(d), [REVISION]: String(revision) },
      ownerReferences: [controllerRef(d)],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...d.spec.selector, matchLabels: { ...d.spec.selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
      template,
    },
    status: { replicas: 0 },
  };
}

/** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
function pruneHistory(store: ObjectStore, d: Deployment, oldRSs: ReplicaSet[]): void {
  const idle = oldRSs
    .map((rs) => store.get<ReplicaSet>('replicasets', rs.metadata.namespace, rs.metadata.name))
    .filter((rs): rs is ReplicaSet => rs !== undefined && rs.spec.replicas === 0 && rs.status.replicas === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - d.spec.revisionHistoryLimit))) {
    store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
  }
}
