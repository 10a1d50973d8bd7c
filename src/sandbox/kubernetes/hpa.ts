import type { ObjectStore } from './store.ts';
import { timestamp } from './store.ts';
import type { Condition, Deployment, HorizontalPodAutoscaler, KubeObject } from './types.ts';

const TARGET_CPU = 80;
/** The utilisation the emulated metrics pipeline always reports; below target, so the HPA only enforces bounds. */
const OBSERVED_CPU = 42;

export function newHpa(namespace: string, deployment: string, min: number, max: number): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: deployment, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: TARGET_CPU } },
        },
      ],
    },
    status: { currentReplicas: 0, desiredReplicas: 0 },
  };
}

/** The autoscaling/v1 view of a stored autoscaling/v2 object. */
export function toHpaV1(hpa: HorizontalPodAutoscaler): KubeObject {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: hpa.metadata,
    spec: {
      scaleTargetRef: hpa.spec.scaleTargetRef,
      minReplicas: hpa.spec.minReplicas,
      maxReplicas: hpa.spec.maxReplicas,
      targetCPUUtilizationPercentage: TARGET_CPU,
    },
    status: {
      currentReplicas: hpa.status.currentReplicas,
      desiredReplicas: hpa.status.desiredReplicas,
      currentCPUUtilizationPercentage: OBSERVED_CPU,
    },
  };
}

/** The TARGETS column of `kubectl get hpa`. */
export function hpaTargets(hpa: HorizontalPodAutoscaler): string {
  return hpa.status.currentMetrics ? `cpu: ${OBSERVED_CPU}%/${TARGET_CPU}%` : `cpu: <unknown>/${TARGET_CPU}%`;
}

/**
 * Keeps the target Deployment's replicas within min..max through its scale, the one thing a real HPA reliably
 * does that callers can observe (a manual scale outside the bounds is undone).
 */
export function reconcileHpa(store: ObjectStore, hpa: HorizontalPodAutoscaler, now: number): void {
  const namespace = hpa.metadata.namespace;
  const target = store.get<Deployment>('deployments', namespace, hpa.spec.scaleTargetRef.name);
  if (!target) return;
  const wanted = target.spec.replicas;
  const desired = Math.min(hpa.spec.maxReplicas, Math.max(hpa.spec.minReplicas, wanted));
  if (desired !== wanted) {
    target.spec.replicas = desired;
    store.update('deployments', target);
  }
  const conditions: Condition[] = [
    condition('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size', now),
    condition(
      'ScalingActive',
      'True',
      'ValidMetricFound',
      'the HPA was able to successfully calculate a replica count',
      now,
    ),
    condition('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range', now),
  ];
  const previous = hpa.status.conditions ?? [];
  hpa.status = {
    currentReplicas: target.status.replicas ?? 0,
    desiredReplicas: desired,
    currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: OBSERVED_CPU } } }],
    conditions: conditions.map((c) => keepTransitionTime(c, previous)),
  };
  store.update('horizontalpodautoscalers', hpa);
}

function condition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  return { type, status, lastTransitionTime: timestamp(now), reason, message };
}

function keepTransitionTime(next: Condition, previous: Condition[]): Condition {
  const before = previous.find((c) => c.type === next.type);
  const unchanged = before?.status === next.status && before.reason === next.reason;
  return unchanged ? { ...next, lastTransitionTime: before.lastTransitionTime } : next;
}
