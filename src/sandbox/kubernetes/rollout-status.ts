import { TIMED_OUT, progressingCondition } from './deployment-status.ts';
import type { ObjectStore } from './store.ts';
import type { Deployment } from './types.ts';

export interface RolloutStatus {
  done: boolean;
  /** Set when the rollout cannot finish (progress deadline exceeded). */
  failed: boolean;
  message: string;
}

/** `kubectl rollout status` for a Deployment (pkg/polymorphichelpers/rollout_status.go), same order and wording. */
export function rolloutStatus(d: Deployment): RolloutStatus {
  const name = d.metadata.name;
  const s = d.status;
  const waiting = (detail: string): RolloutStatus => ({
    done: false,
    failed: false,
    message: `Waiting for deployment "${name}" rollout to finish: ${detail}`,
  });
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return { done: false, failed: false, message: 'Waiting for deployment spec update to be observed...' };
  }
  if (progressingCondition(s)?.reason === TIMED_OUT) {
    return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  }
  const desired = d.spec.replicas;
  const updated = s.updatedReplicas ?? 0;
  const replicas = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  if (updated < desired) {
    return waiting(`${updated} out of ${desired} new replicas have been updated...`);
  }
  if (replicas > updated) {
    return waiting(`${replicas - updated} old replicas are pending termination...`);
  }
  if (available < updated) {
    return waiting(`${available} of ${updated} updated replicas are available...`);
  }
  return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}

/**
 * Settles when `rolloutStatus` is done (resolves) or failed (rejects), re-checking on every write to
 * the Deployment.
 */
export function waitForRollout(
  store: ObjectStore,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<Deployment> {
  return new Promise((resolve, reject) => {
    const finish = (outcome: Deployment | Error) => {
      unsubscribe();
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const check = () => {
      const d = store.get<Deployment>('deployments', namespace, name);
      if (!d) return finish(new Error(`deployments.apps "${name}" not found`));
      const status = rolloutStatus(d);
      if (status.failed) finish(new Error(status.message));
      else if (status.done) finish(d);
    };
    const unsubscribe = store.subscribe((event) => {
      const { metadata } = event.object;
      if (event.storage === 'deployments' && metadata.namespace === namespace && metadata.name === name) check();
    });
    const timer = setTimeout(() => {
      const d = store.get<Deployment>('deployments', namespace, name);
      const last = d ? rolloutStatus(d).message : 'not found';
      finish(new Error(`timed out waiting for the rollout of ${namespace}/${name}: ${last}`));
    }, timeoutMs);
    check();
  });
}
