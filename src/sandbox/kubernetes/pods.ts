import { createHash, randomBytes, randomInt } from 'node:crypto';
import { controllerRef } from './owner-references.ts';
import { timestamp } from './store.ts';
import { safeEncode } from './template-hash.ts';
import type { Condition, ContainerStatus, Pod, ReplicaSet } from './types.ts';

const NODE_NAME = 'sandbox-node-1';
const HOST_IP = '10.0.0.10';

/** A new pod of `rs`, scheduled and still creating its containers. */
export function newPod(rs: ReplicaSet, now: number): Pod {
  const template = rs.spec.template;
  const at = timestamp(now);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${safeEncode(randomBytes(5), 5)}`,
      namespace: rs.metadata.namespace,
      labels: { ...template.metadata?.labels },
      ownerReferences: [controllerRef(rs)],
    },
    spec: { ...structuredClone(template.spec), nodeName: NODE_NAME },
    status: {
      phase: 'Pending',
      hostIP: HOST_IP,
      startTime: at,
      conditions: [
        podCondition('Initialized', 'True', at),
        podCondition('Ready', 'False', at, 'ContainersNotReady'),
        podCondition('ContainersReady', 'False', at, 'ContainersNotReady'),
        podCondition('PodScheduled', 'True', at),
      ],
      containerStatuses: template.spec.containers.map((c) =>
        containerStatus(c.name, c.image, { waiting: { reason: 'ContainerCreating' } }),
      ),
    },
  };
}

export function isReady(pod: Pod): boolean {
  return pod.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The containers started and passed their readiness probes. */
export function runPod(pod: Pod, now: number): Pod {
  const at = timestamp(now);
  return {
    ...pod,
    status: {
      ...pod.status,
      phase: 'Running',
      podIP: `10.244.${randomInt(0, 255)}.${randomInt(2, 254)}`,
      conditions: pod.status.conditions.map((c) =>
        c.type === 'Ready' || c.type === 'ContainersReady' ? podCondition(c.type, 'True', at) : c,
      ),
      containerStatuses: pod.spec.containers.map((c) => ({
        ...containerStatus(c.name, c.image, { running: { startedAt: at } }),
        ready: true,
        started: true,
      })),
    },
  };
}

/** The kubelet cannot pull `image`: the pod stays Pending in ImagePullBackOff. */
export function failPod(pod: Pod, image: string): Pod {
  return {
    ...pod,
    status: {
      ...pod.status,
      containerStatuses: pod.spec.containers.map((c) =>
        containerStatus(c.name, c.image, {
          waiting:
            c.image === image
              ? {
                  reason: 'ImagePullBackOff',
                  message:
                    `Back-off pulling image "${image}": ` +
                    `ErrImagePull: failed to pull and unpack image "${image}": not found`,
                }
              : { reason: 'PodInitializing' },
        }),
      ),
    },
  };
}

function containerStatus(name: string, image: string, state: ContainerStatus['state']): ContainerStatus {
  const digest = createHash('sha256').update(image).digest('hex');
  const imageID = `${image.replace(/:[^/:]*$/, '')}@sha256:${digest}`;
  return { name, image, imageID, ready: false, started: false, restartCount: 0, state };
}

function podCondition(type: string, status: Condition['status'], at: string, reason?: string): Condition {
  return { type, status, lastTransitionTime: at, ...(reason ? { reason } : {}) };
}
