import type { ScaleStatus } from '../../ports/backends.ts';
import type { DeploymentHandle } from './deployment-handle.ts';

/** The HorizontalPodAutoscaler that targets this Deployment, if any: it will fight manual scaling. */
export async function findAutoscaler(handle: DeploymentHandle): Promise<ScaleStatus['autoscaler']> {
  const list = await handle.client.call(`list autoscalers in namespace ${handle.namespace}`, (options) =>
    handle.client.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: handle.namespace }, options),
  );
  const hpa = list.items.find((item) => {
    const ref = item.spec?.scaleTargetRef;
    return ref?.kind === 'Deployment' && ref.name === handle.name && (ref.apiVersion ?? 'apps/v1').startsWith('apps/');
  });
  if (!hpa?.spec) return undefined;
  return { name: hpa.metadata?.name ?? handle.name, min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas };
}
