import * as client from '@kubernetes/client-node';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';

export type KubeObject = Record<string, unknown> & { apiVersion: string; kind: string };

/**
 * kubernetes-models' validators, compiled from the API's OpenAPI schemas (the CRD's for ServiceMonitor): types,
 * required fields, enums, formats such as quantities. A kind missing here is a problem, never a pass.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

interface Attribute {
  baseName: string;
  type: string;
}
type ClientModel = { getAttributeTypeMap?: () => Attribute[] } | undefined;
const CLIENT_MODELS = client as unknown as Record<string, ClientModel>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fields the API does not define. The OpenAPI schemas leave objects open, so the validators above accept
 * `readinesProbe` without a word; the API server would reject it. The field names come from client-node's
 * models, generated from the same OpenAPI document (release-1.36). Custom resources have no model there.
 */
function unknownFields(value: unknown, type: string, path: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1]!, `${path}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map && isObject(value))
    return Object.entries(value).flatMap(([k, v]) => unknownFields(v, map[1]!, `${path}.${k}`));
  const attributes = CLIENT_MODELS[type]?.getAttributeTypeMap?.();
  if (!attributes || !isObject(value)) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const attribute = attributes.find((a) => a.baseName === key);
    const at = path ? `${path}.${key}` : key;
    return attribute ? unknownFields(v, attribute.type, at) : [`${at}: unknown field`];
  });
}

/** client-node's name for a built-in kind: `apps/v1` Deployment is V1Deployment. */
function clientModelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1)!;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`;
}

/** Every problem the API would find in the object's shape, prefixed with its kind and name; empty when valid. */
export function schemaProblems(object: KubeObject): string[] {
  const name = isObject(object.metadata) ? String(object.metadata.name) : '?';
  const label = `${object.kind} ${name}`;
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`${label}: no schema for ${object.apiVersion} ${object.kind}: add its model to MODELS`];
  const problems: string[] = [];
  try {
    new Model(object as never).validate();
  } catch (err) {
    problems.push(`${label}: ${(err as Error).message}`);
  }
  const typeName = clientModelName(object.apiVersion, object.kind);
  if (!object.apiVersion.includes('.') || object.apiVersion.includes('.k8s.io/')) {
    if (!CLIENT_MODELS[typeName]?.getAttributeTypeMap) problems.push(`${label}: no field list for ${typeName}`);
  }
  problems.push(...unknownFields(object, typeName, '').map((p) => `${label}: ${p}`));
  return problems;
}
