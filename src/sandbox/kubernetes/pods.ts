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

/**
 * The kubelet cannot pull `image`: the pod stays Pending, its container waiting in ErrImagePull on the first
 * attempts and in ImagePullBackOff once the kubelet backs off (`backedOff`).
 */
export function failPull(pod: Pod, image: string, backedOff: boolean): Pod {
  const waiting = backedOff
    ? { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }
    : {
        reason: 'ErrImagePull',
        message: `failed to pull and unpack image "${image}": failed to resolve reference "${image}": not found`,
      };
  return {
    ...pod,
    status: {
      ...pod.status,
      containerStatuses: pod.spec.containers.map((c) =>
        containerStatus(c.name, c.image, { waiting: c.image === image ? waiting : { reason: 'PodInitializing' } }),
      ),
    },
  };
}

/**
 * The container with `image` starts and exits with code 1, again and again: the pod is Running but not ready,
 * the container waiting in CrashLoopBackOff with its restart count and the last run as `lastState.terminated`.
 */
export function crashLoop(pod: Pod, image: string, restarts: number, now: number): Pod {
  const at = timestamp(now);
  const backOff = Math.min(10 * 2 ** Math.max(0, restarts - 1), 300);
  const uid = pod.metadata.uid ?? '';
  return {
    ...pod,
    status: {
      ...pod.status,
      phase: 'Running',
      podIP: pod.status.podIP ?? `10.244.${randomInt(0, 255)}.${randomInt(2, 254)}`,
      containerStatuses: pod.spec.containers.map((c) => {
        if (c.image !== image) {
          return { ...containerStatus(c.name, c.image, { running: { startedAt: at } }), ready: true, started: true };
        }
        const message = `back-off ${backOff}s restarting failed container=${c.name} pod=${pod.metadata.name}_${
          pod.metadata.namespace ?? 'default'
        }(${uid})`;
        return {
          ...containerStatus(c.name, c.image, { waiting: { reason: 'CrashLoopBackOff', message } }),
          restartCount: restarts,
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at, finishedAt: at } },
        };
      }),
    },
  };
}

/**
 * No node can take the pod: it stays Pending with no node, no container statuses, and the scheduler's reason
 * on its PodScheduled condition, as `kubectl describe pod` shows it.
 */
export function unschedulable(pod: Pod, now: number, nodes = 3): Pod {
  const { nodeName: _, ...spec } = pod.spec;
  const message =
    `0/${nodes} nodes are available: ${nodes} Insufficient cpu. ` +
    `preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod.`;
  return {
    ...pod,
    spec,
    status: {
      phase: 'Pending',
      startTime: pod.status.startTime,
      conditions: [podCondition('PodScheduled', 'False', timestamp(now), 'Unschedulable', message)],
    },
  };
}

function containerStatus(name: string, image: string, state: ContainerStatus['state']): ContainerStatus {
  const digest = createHash('sha256').update(image).digest('hex');
  const imageID = `${image.replace(/:[^/:]*$/, '')}@sha256:${digest}`;
  return { name, image, imageID, ready: false, started: false, restartCount: 0, state };
}

function podCondition(
  type: string,
  status: Condition['status'],
  at: string,
  reason?: string,
  message?: string,
): Condition {
  return { type, status, lastTransitionTime: at, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}
