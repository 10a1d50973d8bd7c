import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { summariseNotReady, summarisePodProblems } from '../../src/adapters/kubernetes/pod-problem-text.ts';
import { elapsedOfDeadline, formatElapsed } from '../../src/adapters/kubernetes/wait-text.ts';

const IMAGE = 'ghcr.io/acme/api:v9';
const ready: V1PodCondition = { type: 'Ready', status: 'True' };
const notReady: V1PodCondition = { type: 'Ready', status: 'False', reason: 'ContainersNotReady' };

function pod(status: { conditions?: V1PodCondition[]; containers?: V1ContainerStatus[]; phase?: string }): V1Pod {
  return {
    metadata: { name: 'api-1' },
    status: {
      phase: status.phase ?? 'Pending',
      conditions: status.conditions ?? [notReady],
      containerStatuses: status.containers,
    },
  };
}

const waiting = (reason: string, restartCount = 0, name = 'api'): V1ContainerStatus => ({
  name,
  image: IMAGE,
  imageID: '',
  ready: false,
  restartCount,
  state: { waiting: { reason, message: 'as the kubelet says it' } },
});

const unscheduled = pod({
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message:
        '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: ' +
        '3 No preemption victims found for incoming pod.',
    },
  ],
});

describe('summarisePodProblems', () => {
  it.each([
    { name: 'no pods', pods: [], expected: undefined },
    { name: 'a ready pod', pods: [pod({ conditions: [ready], phase: 'Running' })], expected: undefined },
    { name: 'a pod still creating', pods: [pod({ containers: [waiting('ContainerCreating')] })], expected: undefined },
    {
      name: 'a pod going away',
      pods: [{ ...pod({ containers: [waiting('CrashLoopBackOff', 3)] }), metadata: { deletionTimestamp: new Date() } }],
      expected: undefined,
    },
    {
      name: 'an image that cannot be pulled',
      pods: [pod({ containers: [waiting('ImagePullBackOff')] })],
      expected: `1 pod not ready: ImagePullBackOff (${IMAGE})`,
    },
    {
      name: 'the first failed pull',
      pods: [pod({ containers: [waiting('ErrImagePull')] })],
      expected: `1 pod not ready: ErrImagePull (${IMAGE})`,
    },
    {
      name: 'crash loops, with the most restarts seen',
      pods: [
        pod({ containers: [waiting('CrashLoopBackOff', 4)], phase: 'Running' }),
        pod({ containers: [waiting('CrashLoopBackOff', 2)], phase: 'Running' }),
      ],
      expected: '2 pods not ready: CrashLoopBackOff (api, 4 restarts)',
    },
    {
      name: 'one restart',
      pods: [pod({ containers: [waiting('CrashLoopBackOff', 1)], phase: 'Running' })],
      expected: '1 pod not ready: CrashLoopBackOff (api, 1 restart)',
    },
    {
      name: "a pod no node can take, with the scheduler's reason and without the preemption note",
      pods: [unscheduled],
      expected: '1 pod not ready: Pending: 0/3 nodes are available: 3 Insufficient cpu',
    },
    {
      name: 'a container that exited',
      pods: [
        pod({
          containers: [
            {
              name: 'api',
              image: IMAGE,
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
            },
          ],
        }),
      ],
      expected: '1 pod not ready: OOMKilled (api, exit code 137)',
    },
    {
      name: 'several problems, most pods first',
      pods: [unscheduled, pod({ containers: [waiting('ImagePullBackOff')] }), unscheduled],
      expected:
        '3 pods not ready: 2 × Pending: 0/3 nodes are available: 3 Insufficient cpu; ' +
        `1 × ImagePullBackOff (${IMAGE})`,
    },
  ])('$name', ({ pods, expected }) => {
    expect(summarisePodProblems(pods)).toBe(expected);
  });
});

describe('summariseNotReady', () => {
  it.each([
    { name: 'all ready', pods: [pod({ conditions: [ready] })], expected: undefined },
    {
      name: 'a problem wins over a pod still starting',
      pods: [pod({ containers: [waiting('ContainerCreating')] }), pod({ containers: [waiting('ImagePullBackOff')] })],
      expected: `1 pod not ready: ImagePullBackOff (${IMAGE})`,
    },
    {
      name: 'pods that never got past starting are named at the deadline',
      pods: [pod({ containers: [waiting('ContainerCreating')] }), pod({ containers: [waiting('ContainerCreating')] })],
      expected: '2 pods not ready: ContainerCreating',
    },
  ])('$name', ({ pods, expected }) => {
    expect(summariseNotReady(pods)).toBe(expected);
  });
});

describe('elapsed time against the progress deadline', () => {
  it.each([
    { ms: 0, expected: '0s' },
    { ms: 999, expected: '0s' },
    { ms: 45_000, expected: '45s' },
    { ms: 60_000, expected: '1m' },
    { ms: 130_000, expected: '2m10s' },
    { ms: 125_400, expected: '2m05s' },
    { ms: 3_900_000, expected: '1h05m' },
    { ms: -5, expected: '0s' },
  ])('formatElapsed($ms) is $expected', ({ ms, expected }) => {
    expect(formatElapsed(ms)).toBe(expected);
  });

  it.each([
    { ms: 130_000, deadline: 600, expected: '2m10s of 10m' },
    { ms: 139_999, deadline: 600, expected: '2m10s of 10m' },
    { ms: 130_000, deadline: undefined, expected: '2m10s of 10m' },
    { ms: 9_999, deadline: 150, expected: '0s of 2m30s' },
    { ms: 15_000, deadline: 150, expected: '10s of 2m30s' },
    { ms: 700_000, deadline: 600, expected: '11m40s of 10m' },
  ])('$ms ms of a $deadline s deadline reads $expected (in 10 s steps)', ({ ms, deadline, expected }) => {
    expect(elapsedOfDeadline(ms, deadline)).toBe(expected);
  });
});
