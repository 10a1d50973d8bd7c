import type { V1Pod } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import type { ClusterClient } from '../kubernetes/cluster-clients.ts';

/** A pod whose log is read, with the container chosen and how its lines are labelled. */
export interface PodLogPlan {
  key: string;
  pod: string;
  container: string;
  /** The pod name, plus `/container` when the pod has several and none was asked for. */
  origin: string;
  /** The chosen container runs now: a follow stream that ends will have more to read. */
  running: boolean;
}

export interface PodScope {
  namespace: string;
  selector: string;
  /** One pod (`--pod`); it must match the selector, so /logs cannot read another service's pods. */
  pod: string | undefined;
  container: string | undefined;
}

/** The service's pods whose containers have started, as log plans; UserError when `--pod` is not one of them. */
export async function podPlans(client: ClusterClient, scope: PodScope): Promise<PodLogPlan[]> {
  const { namespace, selector } = scope;
  const list = await client.call(`list pods ${selector} in ${namespace}`, (options) =>
    client.core.listNamespacedPod({ namespace, labelSelector: selector }, options),
  );
  const pods = list.items;
  if (scope.pod === undefined) return pods.filter(hasStarted).map((p) => planFor(p, scope.container));
  const chosen = pods.find((p) => p.metadata?.name === scope.pod);
  if (!chosen) {
    const names = pods.map((p) => p.metadata?.name ?? '?').join(', ') || 'none';
    throw new UserError(`No pod ${scope.pod} matches ${selector} in namespace ${namespace}. Its pods: ${names}.`);
  }
  if (!hasStarted(chosen)) {
    throw new UserError(
      `Pod ${scope.pod} has not started yet (${chosen.status?.phase ?? 'Unknown'}), so it has no logs.`,
    );
  }
  return [planFor(chosen, scope.container)];
}

/** Pending pods have no container output yet; asking for it only earns a 400. */
const hasStarted = (pod: V1Pod): boolean => ['Running', 'Succeeded', 'Failed'].includes(pod.status?.phase ?? '');

function planFor(pod: V1Pod, requested: string | undefined): PodLogPlan {
  const name = pod.metadata?.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  if (requested !== undefined && !containers.includes(requested)) {
    throw new UserError(`Pod ${name} has no container ${requested}. Its containers: ${containers.join(', ')}.`);
  }
  const container = requested ?? containers[0] ?? '';
  const running = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.running !== undefined;
  // A multi-container pod read without --container shows its first container; the origin says which.
  const origin = requested === undefined && containers.length > 1 ? `${name}/${container}` : name;
  return { key: pod.metadata?.uid ?? name, pod: name, container, origin, running };
}
