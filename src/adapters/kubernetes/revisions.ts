import type { V1Deployment, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { canonicalJson } from '../../core/canonical-json.ts';
import { type DeploymentHandle, revisionOf } from './deployment-handle.ts';
import { labelSelectorString } from './label-selector.ts';

const POD_TEMPLATE_HASH = 'pod-template-hash';

/** One entry of `kubectl rollout history`: a ReplicaSet the Deployment controls, with its revision. */
export interface Revision {
  number: number;
  replicaSet: V1ReplicaSet;
  /** The deployed container's image in that revision. */
  image: string | undefined;
}

/** The Deployment's revisions, oldest first, found the way kubectl does: its selector, then the controller owner. */
export async function listRevisions(handle: DeploymentHandle, d: V1Deployment, container: string): Promise<Revision[]> {
  const labelSelector = labelSelectorString(d.spec?.selector);
  const list = await handle.client.call(
    `list replica sets of deployment ${handle.namespace}/${handle.name}`,
    (options) => handle.client.apps.listNamespacedReplicaSet({ namespace: handle.namespace, labelSelector }, options),
  );
  const uid = d.metadata?.uid;
  const revisions: Revision[] = [];
  for (const rs of list.items) {
    const owned = rs.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === uid) ?? false;
    const number = revisionOf(rs);
    if (!owned || number === undefined) continue;
    const containers = rs.spec?.template?.spec?.containers ?? [];
    const image = (containers.find((c) => c.name === container) ?? containers[0])?.image;
    revisions.push({ number, replicaSet: rs, image });
  }
  return revisions.sort((a, b) => a.number - b.number);
}

/** The ReplicaSet's pod template as the Deployment would carry it: a copy without the `pod-template-hash` label. */
export function deploymentTemplateOf(rs: V1ReplicaSet): V1PodTemplateSpec {
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH];
  return template;
}

/** kubectl's "skipped rollback" check: the templates are equal once the hash label is ignored. */
export function sameTemplate(d: V1Deployment, rs: V1ReplicaSet): boolean {
  return canonicalJson(d.spec?.template ?? {}) === canonicalJson(deploymentTemplateOf(rs));
}
