import { badRequest, invalid, notFound } from './api-error.ts';
import { isRecord } from './json-patch.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function ensureNamespace(store: ObjectStore, name: string): void {
  if (!store.get('namespaces', undefined, name)) store.create('namespaces', namespaceObject(name));
}

/** Writes into a namespace that does not exist fail the way kube-apiserver's NamespaceLifecycle admission does. */
export function requireNamespace(store: ObjectStore, name: string): void {
  if (!store.get('namespaces', undefined, name)) throw notFound({ group: '', resource: 'namespaces', name });
}

/** `POST /api/v1/namespaces`. */
export function admitNamespace(body: unknown): KubeObject {
  if (!isRecord(body) || !isRecord(body.metadata)) throw badRequest("Object 'metadata' is missing or not an object");
  const name = body.metadata.name;
  if (typeof name !== 'string' || !DNS_LABEL.test(name)) {
    const message =
      `Invalid value: ${JSON.stringify(name ?? '')}: ` +
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'";
    throw invalid('Namespace', '', String(name ?? ''), [
      { reason: 'FieldValueInvalid', field: 'metadata.name', message },
    ]);
  }
  const object = namespaceObject(name);
  const labels = isRecord(body.metadata.labels) ? (body.metadata.labels as Record<string, string>) : {};
  object.metadata.labels = { ...labels, ...object.metadata.labels };
  return object;
}
