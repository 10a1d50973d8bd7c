import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { DeploymentHandle } from './deployment-handle.ts';
import { labelSelectorString } from './label-selector.ts';

/**
 * Why pods of the Deployment are not ready, e.g. `3 pods not ready: ImagePullBackOff`: the first thing on-call
 * wants to know about a stuck rollout. Undefined when every pod is ready or the pods cannot be listed.
 */
export async function podProblems(handle: DeploymentHandle, d: V1Deployment): Promise<string | undefined> {
  let pods: V1Pod[];
  try {
    const labelSelector = labelSelectorString(d.spec?.selector);
    const list = await handle.client.call(`list pods of deployment ${handle.namespace}/${handle.name}`, (options) =>
      handle.client.core.listNamespacedPod({ namespace: handle.namespace, labelSelector }, options),
    );
    pods = list.items;
  } catch {
    // The reason is a nicety on top of a failure already being reported; its absence must not hide that failure.
    return undefined;
  }
  const notReady = pods.filter((p) => !p.metadata?.deletionTimestamp && !isReady(p));
  if (notReady.length === 0) return undefined;
  const reasons = new Map<string, number>();
  for (const pod of notReady) {
    const reason = waitingReason(pod);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const ranked = [...reasons].sort((a, b) => b[1] - a[1]);
  const text = ranked.length === 1 ? ranked[0]?.[0] : ranked.map(([reason, n]) => `${reason} (${n})`).join(', ');
  return `${notReady.length} ${notReady.length === 1 ? 'pod' : 'pods'} not ready: ${text}`;
}

function isReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** A container's waiting reason (ImagePullBackOff, CrashLoopBackOff…), else a failed pod condition, else the phase. */
function waitingReason(pod: V1Pod): string {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waiting = statuses.map((c) => c.state?.waiting?.reason).find((r) => r !== undefined && r !== 'PodInitializing');
  if (waiting) return waiting;
  const condition = pod.status?.conditions?.find((c) => c.status === 'False' && c.reason);
  return condition?.reason ?? pod.status?.phase ?? 'Unknown';
}
