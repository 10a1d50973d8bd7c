import { PatchStrategy, type V1Deployment } from '@kubernetes/client-node';
import { CHANGE_CAUSE_ANNOTATION, type DeploymentHandle } from './deployment-handle.ts';
import { deploymentTemplateOf, type Revision } from './revisions.ts';

/** Deployment annotations a rollback keeps rather than take the ReplicaSet's (kubectl's annotationsToSkip). */
const KEPT_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
];

/**
 * The write of `kubectl rollout undo` (platform-facts §3.2): one JSON Patch replacing the pod template with the
 * revision's (minus `pod-template-hash`) and the annotations with the ReplicaSet's, keeping the controller's own
 * keys, plus our change-cause. The controller then revives that ReplicaSet under a new revision number.
 */
export async function applyRollback(
  handle: DeploymentHandle,
  d: V1Deployment,
  target: Revision,
  cause: string,
): Promise<void> {
  const current = d.metadata?.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const [key, value] of Object.entries(target.replicaSet.metadata?.annotations ?? {})) {
    if (!KEPT_ANNOTATIONS.includes(key)) annotations[key] = value;
  }
  for (const key of KEPT_ANNOTATIONS) {
    const value = current[key];
    if (value !== undefined) annotations[key] = value;
  }
  annotations[CHANGE_CAUSE_ANNOTATION] = cause;
  const patch = [
    { op: 'replace', path: '/spec/template', value: deploymentTemplateOf(target.replicaSet) },
    // kubectl says replace; add does the same on an existing member and also works where there is none yet.
    { op: 'add', path: '/metadata/annotations', value: annotations },
  ];
  await handle.client.call(
    `roll back deployment ${handle.namespace}/${handle.name} to revision ${target.number}`,
    (options) =>
      handle.client.apps.patchNamespacedDeployment(
        { namespace: handle.namespace, name: handle.name, body: patch },
        options,
      ),
    PatchStrategy.JsonPatch,
  );
}
