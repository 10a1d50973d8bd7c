import type { KubeObject } from './types.ts';

/** Annotation keys of the deployment controller and kubectl (k8s.io/kubectl/pkg/util/deployment). */
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

/** Deployment annotations the controller does not copy onto its ReplicaSets. */
export const NOT_COPIED_TO_REPLICA_SET = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  'deprecated.deployment.rollback.to',
]);

export function revisionOf(object: KubeObject): number {
  const value = Number(object.metadata.annotations?.[REVISION] ?? '0');
  return Number.isInteger(value) ? value : 0;
}
