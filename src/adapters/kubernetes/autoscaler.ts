import type { ScaleStatus } from '../../ports/backends.ts';
import type { DeploymentHandle } from './deployment-handle.ts';

/** The HorizontalPodAutoscaler that targets this Deployment, if any: it will fight manual scaling. */
export async function findAutoscaler(h: DeploymentHandle): Promise<ScaleStatus['autoscaler']> {
  const list = await h.client.call(`list autoscalers in namespace ${h.namespace}`, (o) =>
    h.client.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: h.namespace }, o),
  );
  const hpa = list.items.find((item) => {
    const ref = item.spec?.scaleTargetRef;
    return ref?.kind === 'Deployment' && ref.name === h.name && (ref.apiVersion ?? 'apps/v1').startsWith('apps/');
  });
  if (!hpa?.spec) return undefined;
  return { name: hpa.metadata?.name ?? h.name, min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas };
}
