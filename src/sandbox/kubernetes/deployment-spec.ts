import { badRequest, invalid, type StatusCause } from './api-error.ts';
import { isRecord } from './json-patch.ts';
import { labelSelectorString, matchesLabelSelector } from './selectors.ts';
import type { Container, Deployment, LabelSelector } from './types.ts';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Turns a request body into a stored Deployment: checks JSON types (400 like a decode error), applies the
 * API server's defaults, then validates (422). `previous` is the stored object on update.
 */
export function admitDeployment(body: unknown, namespace: string, previous?: Deployment): Deployment {
  if (!isRecord(body) || !isRecord(body.metadata)) throw badRequest("Object 'metadata' is missing or not an object");
  if (body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const spec = isRecord(body.spec) ? body.spec : {};
  for (const field of ['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'minReadySeconds'] as const) {
    if (spec[field] !== undefined && spec[field] !== null && typeof spec[field] !== 'number') {
      const got = typeof spec[field];
      throw badRequest(`json: cannot unmarshal ${got} into Go struct field DeploymentSpec.spec.${field} of type int32`);
    }
  }
  const deployment = withoutNulls(body) as unknown as Deployment;
  deployment.apiVersion = 'apps/v1';
  deployment.kind = 'Deployment';
  deployment.metadata.namespace = namespace;
  applyDefaults(deployment);
  validate(deployment, previous);
  return deployment;
}

/**
 * Go clients send zero values as null (a pod template's `metadata.creationTimestamp: null` in every
 * `kubectl rollout undo`); the API server decodes them away, and so must we for template comparisons to hold.
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function applyDefaults(d: Deployment): void {
  const spec = (isRecord(d.spec) ? d.spec : {}) as Partial<Deployment['spec']>;
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  spec.strategy ??= { type: 'RollingUpdate' };
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...spec.strategy.rollingUpdate };
  }
  d.spec = spec as Deployment['spec'];
  if (!isRecord(d.status)) d.status = {};
  const template = d.spec.template;
  if (!isRecord(template) || !isRecord(template.spec) || !Array.isArray(template.spec.containers)) return;
  const pod = template.spec;
  pod.restartPolicy ??= 'Always';
  pod.terminationGracePeriodSeconds ??= 30;
  pod.dnsPolicy ??= 'ClusterFirst';
  pod.securityContext ??= {};
  pod.schedulerName ??= 'default-scheduler';
  for (const container of pod.containers) {
    if (!isRecord(container)) continue;
    container.resources ??= {};
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.imagePullPolicy ??= pullPolicy(container.image);
  }
}

/** `Always` for untagged or :latest images, as the API server defaults it. */
function pullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const tag = image.includes('@') ? 'digest' : /:([^/:]+)$/.exec(image)?.[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function validate(d: Deployment, previous: Deployment | undefined): void {
  const causes: StatusCause[] = [];
  const fail = (field: string, reason: string, message: string) => causes.push({ reason, message, field });
  const name = d.metadata.name;
  if (typeof name !== 'string' || name === '') {
    fail('metadata.name', 'FieldValueRequired', 'Required value: name or generateName is required');
  } else if (!DNS_SUBDOMAIN.test(name) || name.length > 253) {
    const rule = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'";
    fail('metadata.name', 'FieldValueInvalid', `Invalid value: "${name}": ${rule}`);
  }
  const spec = d.spec;
  for (const field of ['replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds'] as const) {
    const value = spec[field];
    if (!Number.isInteger(value) || value < 0) {
      fail(`spec.${field}`, 'FieldValueInvalid', `Invalid value: ${value}: must be greater than or equal to 0`);
    }
  }
  if (!['RollingUpdate', 'Recreate'].includes(spec.strategy.type)) {
    const supported = 'supported values: "Recreate", "RollingUpdate"';
    fail('spec.strategy.type', 'FieldValueNotSupported', `Unsupported value: "${spec.strategy.type}": ${supported}`);
  }
  const selector: LabelSelector | undefined = isRecord(spec.selector) ? spec.selector : undefined;
  const hasSelector =
    selector !== undefined &&
    (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0);
  if (!selector || !hasSelector) fail('spec.selector', 'FieldValueRequired', 'Required value');
  const template = spec.template;
  if (!isRecord(template) || !isRecord(template.spec)) {
    fail('spec.template', 'FieldValueRequired', 'Required value');
  } else {
    if (selector && hasSelector && !matchesLabelSelector(template.metadata?.labels, selector)) {
      const labels = JSON.stringify(template.metadata?.labels ?? {});
      const message = `Invalid value: ${labels}: \`selector\` does not match template \`labels\``;
      fail('spec.template.metadata.labels', 'FieldValueInvalid', message);
    }
    validateContainers(template.spec.containers, fail);
  }
  if (previous && selector && labelSelectorString(selector) !== labelSelectorString(previous.spec.selector)) {
    fail('spec.selector', 'FieldValueInvalid', `Invalid value: ${JSON.stringify(selector)}: field is immutable`);
  }
  if (causes.length > 0) throw invalid('Deployment', 'apps', String(name ?? ''), causes);
}

function validateContainers(containers: unknown, fail: (field: string, reason: string, message: string) => void): void {
  if (!Array.isArray(containers) || containers.length === 0) {
    fail('spec.template.spec.containers', 'FieldValueRequired', 'Required value');
    return;
  }
  const seen = new Set<string>();
  containers.forEach((container: Partial<Container>, i) => {
    const path = `spec.template.spec.containers[${i}]`;
    if (typeof container.name !== 'string' || container.name === '') {
      fail(`${path}.name`, 'FieldValueRequired', 'Required value');
    } else if (!DNS_LABEL.test(container.name)) {
      const rule = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'";
      fail(`${path}.name`, 'FieldValueInvalid', `Invalid value: "${container.name}": ${rule}`);
    } else if (seen.has(container.name)) {
      fail(`${path}.name`, 'FieldValueDuplicate', `Duplicate value: "${container.name}"`);
    }
    if (typeof container.name === 'string') seen.add(container.name);
    if (typeof container.image !== 'string' || container.image.trim() === '') {
      fail(`${path}.image`, 'FieldValueRequired', 'Required value');
    }
  });
}
