import { isControlledBy } from './owner-references.ts';
import { isReady, newPod } from './pods.ts';
import type { ObjectStore } from './store.ts';
import type { Pod, ReplicaSet, ReplicaSetStatus } from './types.ts';

export function podsOf(store: ObjectStore, rs: ReplicaSet): Pod[] {
  return store.list<Pod>('pods', rs.metadata.namespace).filter((pod) => isControlledBy(pod, rs));
}

/**
 * The ReplicaSet controller: creates or deletes pods until there are `spec.replicas`, deleting pods that are not
 * ready first, then the newest; then reports counts in status.
 */
export function syncReplicaSet(store: ObjectStore, rs: ReplicaSet, now: number, onCreated: (pod: Pod) => void): void {
  const pods = podsOf(store, rs);
  const missing = rs.spec.replicas - pods.length;
  for (let i = 0; i < missing; i += 1) onCreated(store.create('pods', newPod(rs, now)));
  if (missing < 0) {
    const created = (pod: Pod) => pod.metadata.creationTimestamp ?? '';
    const doomed = [...pods]
      .sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || created(b).localeCompare(created(a)))
      .slice(0, -missing);
    for (const pod of doomed) store.delete('pods', pod.metadata.namespace, pod.metadata.name);
  }
  const current = podsOf(store, rs);
  const ready = current.filter(isReady).length;
  const status: ReplicaSetStatus = { replicas: current.length };
  if (current.length > 0) status.fullyLabeledReplicas = current.length;
  if (ready > 0) Object.assign(status, { readyReplicas: ready, availableReplicas: ready });
  status.observedGeneration = rs.metadata.generation ?? 1;
  rs.status = status;
  store.update('replicasets', rs);
}
