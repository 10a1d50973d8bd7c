import { conflict, invalid } from './api-error.ts';
import { isRecord } from './json-patch.ts';
import { labelSelectorString } from './selectors.ts';
import type { Deployment } from './types.ts';

/** The `autoscaling/v1 Scale` view of a Deployment. */
export function scaleOf(d: Deployment): Record<string, unknown> {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = d.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: d.spec.replicas },
    status: { replicas: d.status.replicas ?? 0, selector: labelSelectorString(d.spec.selector) },
  };
}

/**
 * Reads the wanted replicas out of a Scale written by a client (PUT body, or the Scale after a PATCH) and
 * applies it to the Deployment. A resourceVersion on the Scale is a precondition on the Deployment.
 */
export function applyScale(d: Deployment, scale: unknown): Deployment {
  const name = d.metadata.name;
  const metadata = isRecord(scale) && isRecord(scale.metadata) ? scale.metadata : {};
  const version = metadata.resourceVersion;
  if (typeof version === 'string' && version !== '' && version !== d.metadata.resourceVersion) {
    throw conflict({ group: 'apps', resource: 'deployments', name });
  }
  const spec = isRecord(scale) && isRecord(scale.spec) ? scale.spec : {};
  const replicas = spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const message = `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`;
    throw invalid('Scale', 'autoscaling', name, [{ reason: 'FieldValueInvalid', field: 'spec.replicas', message }]);
  }
  return { ...d, spec: { ...d.spec, replicas } };
}
