import type { V1Deployment } from '@kubernetes/client-node';

const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';

export interface RolloutStatus {
  phase: 'waiting' | 'done' | 'failed';
  /** What is going on, for progress lines and failure summaries. */
  detail: string;
  desired: number;
  ready: number;
}

/**
 * `kubectl rollout status` for a Deployment (platform-facts §3.4), checked in the same order. The API omits zero
 * counts, so a missing one is 0.
 */
export function rolloutStatus(d: V1Deployment): RolloutStatus {
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const at = (phase: RolloutStatus['phase'], detail: string): RolloutStatus => ({ phase, detail, desired, ready });
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return at('waiting', 'waiting for the controller to see the change');
  }
  if (s.conditions?.some((c) => c.type === 'Progressing' && c.reason === TIMED_OUT_REASON)) {
    return at('failed', 'progress deadline exceeded');
  }
  const counts = `${updated} of ${desired} updated, ${available} available`;
  if (updated < desired) return at('waiting', counts);
  if (replicas > updated) return at('waiting', `${counts}, ${replicas - updated} old pending termination`);
  if (available < updated) return at('waiting', counts);
  return at('done', counts);
}
