import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClients, KubernetesDeployer } from '../../src/adapters/kubernetes/index.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { KubernetesEmulator, PodFailure } from '../../src/sandbox/kubernetes/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startEmulator } from '../sandbox/kubernetes-helpers.ts';

// The rollout's one progress message, as the driver writes it while the pods of a bad release fail.
const clock = pinnedClock(WEEKDAY);
const REPO = 'ghcr.io/acme/api';

let k8s: KubernetesEmulator;
beforeAll(async () => {
  k8s = await startEmulator({ now: epochMs(clock) });
});
afterAll(() => k8s.close());

function deployer(namespace: string) {
  const kc = new KubeConfig();
  kc.loadFromString(k8s.kubeconfigYaml({ contexts: ['prod'] }));
  return new KubernetesDeployer({
    clients: new ClusterClients({ kubeconfig: kc, contexts: { prod: 'prod' } }),
    service: { namespace, deployment: 'api', image: REPO },
    pollMs: 20,
    rolloutTimeoutMs: 15_000,
    clock,
    log: createLogger('silent'),
  });
}

async function failedRollout(how: PodFailure) {
  const ns = `t-${randomBytes(4).toString('hex')}`;
  // 150 emulated seconds pass in 0.3 s of the emulator's time scale; the message names the spec's deadline.
  k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v1`, replicas: 2, progressDeadlineSeconds: 150 });
  k8s.failNextRollout(ns, 'api', how);
  const lines: string[] = [];
  const outcome = await deployer(ns).deploy(
    {
      target: { service: 'api', env: 'prod' },
      ref: 'v2',
      sha: undefined,
      requester: 'alice',
      reason: undefined,
      requestId: 'req-1',
      autoRollback: false,
    },
    async (line) => void lines.push(line),
  );
  expect(outcome.ok).toBe(false);
  return { lines, outcome };
}

describe('rollout progress names pod problems as they appear', () => {
  it.each<{ how: PodFailure; problem: RegExp }>([
    { how: 'image-pull', problem: new RegExp(`1 pod not ready: ImagePullBackOff \\(${REPO}:v2\\)`) },
    { how: 'crash-loop', problem: /1 pod not ready: CrashLoopBackOff \(api, \d+ restarts?\)/ },
    { how: 'unschedulable', problem: /1 pod not ready: Pending: 0\/3 nodes are available: 3 Insufficient cpu/ },
  ])('$how', async ({ how, problem }) => {
    const { lines, outcome } = await failedRollout(how);
    const named = lines.filter((line) => problem.test(line));
    expect(named.length).toBeGreaterThan(0);
    // Each one says how long the rollout has run against the Deployment's progress deadline.
    for (const line of named) expect(line).toMatch(/^Rolling out ghcr\.io\/acme\/api:v2: .*\(\d+s of 2m30s\)$/);
    expect(outcome.summary).toMatch(problem);
    expect(outcome.summary).toContain('progress deadline exceeded');
  });

  it('shows the restart count climbing while a container crash-loops', async () => {
    const { lines } = await failedRollout('crash-loop');
    const counts = lines.flatMap((line) => {
      const match = /CrashLoopBackOff \(api, (\d+) restarts?\)/.exec(line);
      return match ? [Number(match[1])] : [];
    });
    expect(new Set(counts).size).toBeGreaterThan(1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it('says nothing of pods in a healthy rollout beyond the counts', async () => {
    const ns = `t-${randomBytes(4).toString('hex')}`;
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v1`, replicas: 2 });
    const lines: string[] = [];
    const outcome = await deployer(ns).deploy(
      {
        target: { service: 'api', env: 'prod' },
        ref: 'v2',
        sha: undefined,
        requester: 'alice',
        reason: undefined,
        requestId: 'req-2',
        autoRollback: false,
      },
      async (line) => void lines.push(line),
    );
    expect(outcome.ok).toBe(true);
    expect(lines.some((line) => line.includes('not ready'))).toBe(false);
    expect(lines.filter((line) => / of 10m\)$/.test(line)).length).toBeGreaterThan(0);
    expect(lines.at(-1)).toBe(`Rolling out ${REPO}:v2: 2 of 2 updated, 2 available`);
  });
});
