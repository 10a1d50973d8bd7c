import type { Deployment } from '../kubernetes/index.ts';

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  readonly status: HealthStatus;
  readonly message?: string;
}

/** Argo CD's Deployment health check (gitops-engine pkg/health/health_deployment.go), same order and wording. */
export function deploymentHealth(d: Deployment | undefined): Health {
  if (!d) return { status: 'Missing' };
  if (d.spec.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  const s = d.status;
  const waiting = (detail: string): Health => ({
    status: 'Progressing',
    message: `Waiting for rollout to finish: ${detail}`,
  });
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) {
    return waiting('observed deployment generation less than desired generation');
  }
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { status: 'Degraded', message: `Deployment "${d.metadata.name}" exceeded its progress deadline` };
  }
  const updated = s.updatedReplicas ?? 0;
  if (updated < d.spec.replicas) {
    return waiting(`${updated} out of ${d.spec.replicas} new replicas have been updated...`);
  }
  if ((s.replicas ?? 0) > updated)
    return waiting(`${(s.replicas ?? 0) - updated} old replicas are pending termination...`);
  if ((s.availableReplicas ?? 0) < updated) {
    return waiting(`${s.availableReplicas ?? 0} of ${updated} updated replicas are available...`);
  }
  return { status: 'Healthy' };
}
