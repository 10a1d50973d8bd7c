import type { V1Pod } from '@kubernetes/client-node';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesEmulator } from '../../src/sandbox/kubernetes/index.ts';
import { clientsFor, eventually, startEmulator } from './kubernetes-helpers.ts';

const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

// Pods take 300 ms to start (or fail to), so the first pull error is seen before the kubelet backs off.
describe('Kubernetes emulator: failing pods as the API reports them', () => {
  let k8s: KubernetesEmulator;
  let c: ReturnType<typeof clientsFor>;

  beforeAll(async () => {
    k8s = await startEmulator({ podReadyMs: 300 });
    c = clientsFor(k8s);
  });
  afterAll(() => k8s.close());

  async function newPodsOf(namespace: string, image: string, ready: (pod: V1Pod) => boolean): Promise<V1Pod> {
    return eventually(async () => {
      const { items } = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=api' });
      return items.find((p) => p.spec?.containers[0]?.image === image && ready(p));
    });
  }

  async function rollOut(namespace: string, how: 'image-pull' | 'crash-loop' | 'unschedulable') {
    k8s.seedDeployment({ namespace, name: 'api', image: 'api:1', replicas: 2 });
    k8s.failNextRollout(namespace, 'api', how);
    await c.apps.patchNamespacedDeployment(
      {
        namespace,
        name: 'api',
        body: { spec: { template: { spec: { containers: [{ name: 'api', image: 'api:2' }] } } } },
      },
      strategic,
    );
  }

  const waitingOf = (pod: V1Pod) => pod.status?.containerStatuses?.[0]?.state?.waiting;

  it('reports ErrImagePull first, then ImagePullBackOff, with the pod Pending', async () => {
    await rollOut('pull', 'image-pull');
    const first = await newPodsOf('pull', 'api:2', (p) => waitingOf(p)?.reason === 'ErrImagePull');
    expect(first.status?.phase).toBe('Pending');
    expect(waitingOf(first)?.message).toContain('failed to pull and unpack image "api:2"');
    const later = await newPodsOf('pull', 'api:2', (p) => waitingOf(p)?.reason === 'ImagePullBackOff');
    expect(waitingOf(later)?.message).toBe('Back-off pulling image "api:2"');
  });

  it('reports CrashLoopBackOff with a climbing restart count and the last exit', async () => {
    await rollOut('crash', 'crash-loop');
    const pod = await newPodsOf('crash', 'api:2', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2);
    const status = pod.status?.containerStatuses?.[0];
    expect(pod.status?.phase).toBe('Running');
    expect(status?.ready).toBe(false);
    expect(status?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status?.state?.waiting?.message).toMatch(/^back-off \d+s restarting failed container=api pod=api-/);
    expect(status?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(pod.status?.conditions?.find((cond) => cond.type === 'Ready')?.status).toBe('False');
  });

  it("reports an unschedulable pod as Pending with the scheduler's reason and no node", async () => {
    await rollOut('sched', 'unschedulable');
    const pod = await newPodsOf('sched', 'api:2', (p) => p.spec?.nodeName === undefined);
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.containerStatuses).toBeUndefined();
    expect(pod.status?.conditions).toEqual([
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: expect.stringMatching(/^0\/3 nodes are available: 3 Insufficient cpu\. preemption: /),
      }),
    ]);
  });
});
