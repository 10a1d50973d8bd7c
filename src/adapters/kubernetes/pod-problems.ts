import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { DeploymentHandle } from './deployment-handle.ts';
import { labelSelectorString } from './label-selector.ts';
import { summariseNotReady, summarisePodProblems } from './pod-problem-text.ts';

/** The Deployment's pods; undefined when they cannot be listed. */
async function listPods(handle: DeploymentHandle, d: V1Deployment): Promise<V1Pod[] | undefined> {
  try {
    const labelSelector = labelSelectorString(d.spec?.selector);
    const list = await handle.client.call(`list pods of deployment ${handle.namespace}/${handle.name}`, (options) =>
      handle.client.core.listNamespacedPod({ namespace: handle.namespace, labelSelector }, options),
    );
    return list.items;
  } catch {
    // The pods are a nicety on top of the rollout's own state; their absence must not hide or fail it.
    return undefined;
  }
}

/** What is wrong with the pods while a rollout runs (ImagePullBackOff, CrashLoopBackOff, Pending…), if anything. */
export async function podProblemsNow(handle: DeploymentHandle, d: V1Deployment): Promise<string | undefined> {
  const pods = await listPods(handle, d);
  return pods && summarisePodProblems(pods);
}

/**
 * Why pods of the Deployment are not ready, e.g. `3 pods not ready: ImagePullBackOff (…)`: the first thing on-call
 * wants to know about a stuck rollout. Undefined when every pod is ready or the pods cannot be listed.
 */
export async function podProblems(handle: DeploymentHandle, d: V1Deployment): Promise<string | undefined> {
  const pods = await listPods(handle, d);
  return pods && summariseNotReady(pods);
}
