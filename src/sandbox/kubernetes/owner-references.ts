import type { KubeObject, OwnerReference } from './types.ts';

/** The reference a controller puts on what it creates, so garbage collection and adoption can find the owner. */
export function controllerRef(owner: KubeObject): OwnerReference {
  const { name, uid = '' } = owner.metadata;
  return { apiVersion: owner.apiVersion, kind: owner.kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return object.metadata.ownerReferences?.some((o) => o.controller && o.uid === owner.metadata.uid) ?? false;
}
