import type { V1Container, V1Deployment, V1ObjectMeta } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.ts';
import { KubernetesApiError } from './api-error.ts';
import type { ClusterClient, ClusterClients } from './cluster-clients.ts';
import type { KubernetesServiceConfig } from './options.ts';

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** Where one service's Deployment lives in one environment. */
export interface DeploymentHandle {
  client: ClusterClient;
  namespace: string;
  name: string;
  /** `deployment payments/api in context prod`, for error messages. */
  label: string;
}

export function deploymentHandle(
  clients: ClusterClients,
  service: KubernetesServiceConfig,
  env: string,
): DeploymentHandle {
  const client = clients.for(env);
  const { namespace, deployment: name } = service;
  return { client, namespace, name, label: `deployment ${namespace}/${name} in context ${client.context}` };
}

export async function readDeployment(handle: DeploymentHandle): Promise<V1Deployment> {
  try {
    return await handle.client.call(`read deployment ${handle.namespace}/${handle.name}`, (options) =>
      handle.client.apps.readNamespacedDeployment({ namespace: handle.namespace, name: handle.name }, options),
    );
  } catch (error) {
    if (error instanceof KubernetesApiError && error.status === 404) {
      throw new Error(`${handle.label} does not exist`, { cause: error });
    }
    throw error;
  }
}

/** The container deploys change: the configured one, else the first. */
export function pickContainer(d: V1Deployment, handle: DeploymentHandle, wanted: string | undefined): V1Container {
  const containers = d.spec?.template.spec?.containers ?? [];
  const container = wanted === undefined ? containers[0] : containers.find((c) => c.name === wanted);
  if (container) return container;
  if (wanted === undefined) throw new Error(`${handle.label} has no containers`);
  const names = containers.map((c) => c.name).join(', ');
  throw new UserError(
    `${handle.label} has no container "${wanted}"; its containers: ${names}. Fix the service's container setting.`,
  );
}

export function revisionOf(object: { metadata?: V1ObjectMeta | undefined }): number | undefined {
  const value = Number(object.metadata?.annotations?.[REVISION_ANNOTATION]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** `ghcr.io/acme/api:v1.4.2 (revision 7)`, or just the image when the revision is unknown. */
export function describeVersion(image: string | undefined, revision: number | undefined): string {
  const what = image ?? 'an unknown image';
  return revision === undefined ? what : `${what} (revision ${revision})`;
}

export function assertNotPaused(d: V1Deployment, handle: DeploymentHandle): void {
  if (d.spec?.paused) {
    const { name, namespace, client } = handle;
    throw new UserError(
      `${handle.label} is paused; resume it first with ` +
        `\`kubectl rollout resume deployment/${name} -n ${namespace} --context ${client.context}\``,
    );
  }
}
