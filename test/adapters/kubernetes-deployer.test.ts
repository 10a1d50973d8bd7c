import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClusterClients,
  KubernetesDeployer,
  type KubernetesDriverOptions,
} from '../../src/adapters/kubernetes/index.ts';
import { UserError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { DeployInput } from '../../src/ports/backends.ts';
import { type KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startEmulator } from '../sandbox/kubernetes-helpers.ts';

const clock = pinnedClock(WEEKDAY);

const REPO = 'ghcr.io/acme/api';
const SHA = '3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b';
const CAUSE = 'kubernetes.io/change-cause';
const prod = { service: 'api', env: 'prod' };

/** A namespace of its own for each test, so tests share one emulator without seeing each other. */
const freshNamespace = () => `t-${randomBytes(4).toString('hex')}`;

function kubeconfigFor(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

function deployer(k8s: KubernetesEmulator, namespace: string, extra: Partial<KubernetesDriverOptions> = {}) {
  return new KubernetesDeployer({
    clients: new ClusterClients({
      kubeconfig: kubeconfigFor(k8s.kubeconfigYaml({ contexts: ['staging', 'prod'] })),
      contexts: { staging: 'staging', prod: 'prod' },
    }),
    service: { namespace, deployment: 'api', image: REPO },
    pollMs: 20,
    rolloutTimeoutMs: 15_000,
    clock,
    log: createLogger('silent'),
    ...extra,
  });
}

function deployInput(ref: string, extra: Partial<DeployInput> = {}): DeployInput {
  return {
    target: prod,
    ref,
    sha: SHA,
    requester: 'alice',
    reason: 'hotfix',
    requestId: 'req-1',
    autoRollback: true,
    ...extra,
  };
}

function recorder() {
  const lines: string[] = [];
  return { lines, progress: async (line: string) => void lines.push(line) };
}

const imageOf = (k8s: KubernetesEmulator, namespace: string) =>
  k8s.getDeployment(namespace, 'api')?.spec.template.spec.containers[0]?.image;

describe('KubernetesDeployer against the emulator', () => {
  let k8s: KubernetesEmulator;

  beforeAll(async () => {
    k8s = await startEmulator({ now: epochMs(clock) });
  });

  afterAll(() => k8s.close());

  it('reports the running image, tag and revision', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({
      namespace: ns,
      name: 'api',
      image: `${REPO}:v1.4.2`,
      replicas: 2,
      history: [`${REPO}:v1.4.1`],
    });
    expect(await deployer(k8s, ns).current(prod)).toEqual({
      ref: 'v1.4.2',
      sha: undefined,
      description: `${REPO}:v1.4.2 (revision 2)`,
    });
  });

  it('reads a full-sha tag as the sha, and names namespace, name and context of a missing deployment', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:${SHA}`, replicas: 1 });
    expect(
      await deployer(k8s, ns, { service: { namespace: ns, deployment: 'api', tag: 'sha' } }).current(prod),
    ).toMatchObject({
      ref: SHA,
      sha: SHA,
    });
    const missing = deployer(k8s, ns, { service: { namespace: ns, deployment: 'nope' } });
    await expect(missing.current(prod)).rejects.toThrow(`deployment ${ns}/nope in context prod does not exist`);
    await expect(deployer(k8s, ns).current({ service: 'api', env: 'qa' })).rejects.toThrow(UserError);
  });

  it('deploys an image with a change-cause in one strategic-merge patch and reports rollout progress', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v1`, replicas: 4 });
    const { lines, progress } = recorder();
    const outcome = await deployer(k8s, ns).deploy(deployInput('v2'), progress);
    expect(outcome).toEqual({ ok: true, summary: `api is running ${REPO}:v2 in prod (4/4 ready, revision 2).` });
    const d = k8s.getDeployment(ns, 'api');
    expect(d?.spec.template.spec.containers[0]?.image).toBe(`${REPO}:v2`);
    expect(d?.metadata.annotations?.[CAUSE]).toBe('opsdeck: alice deployed v2 (3f2a9c1) — hotfix [req-1]');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.startsWith(`Rolling out ${REPO}:v2: `))).toBe(true);
    expect(lines).toContain(`Rolling out ${REPO}:v2: 4 of 4 updated, 4 available`);
    const patches = k8s.requests.filter((r) => r.method === 'PATCH' && r.path.includes(`/namespaces/${ns}/`));
    expect(patches.map((r) => r.contentType)).toEqual([PatchStrategy.StrategicMergePatch]);
  });

  it('tags by commit sha when the service says so, and refuses refs that cannot be image tags', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:old`, replicas: 1 });
    const bySha = deployer(k8s, ns, { service: { namespace: ns, deployment: 'api', tag: 'sha' } });
    const outcome = await bySha.deploy(deployInput('main', { reason: undefined }), async () => {});
    expect(outcome.ok).toBe(true);
    expect(imageOf(k8s, ns)).toBe(`${REPO}:${SHA}`);
    expect(k8s.getDeployment(ns, 'api')?.metadata.annotations?.[CAUSE]).toBe(
      'opsdeck: alice deployed main (3f2a9c1) [req-1]',
    );
    await expect(deployer(k8s, ns).deploy(deployInput('feature/login'), async () => {})).rejects.toThrow(UserError);
  });

  it('rolls a failed rollout back automatically and says why it failed', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({
      namespace: ns,
      name: 'api',
      image: `${REPO}:v1`,
      replicas: 2,
      history: [`${REPO}:v0`],
      progressDeadlineSeconds: 150,
    });
    k8s.failNextRollout(ns, 'api');
    const { lines, progress } = recorder();
    const outcome = await deployer(k8s, ns).deploy(deployInput('v2'), progress);
    expect(outcome.ok).toBe(false);
    expect(outcome.rolledBack).toBe(true);
    expect(outcome.summary).toMatch(
      new RegExp(`^Rollout of ${REPO}:v2 to api in prod failed: progress deadline exceeded; `),
    );
    expect(outcome.summary).toContain('not ready: ImagePullBackOff');
    expect(outcome.summary).toContain(`Rolled back to ${REPO}:v1 (revision 4, from revision 2).`);
    expect(imageOf(k8s, ns)).toBe(`${REPO}:v1`);
    await k8s.waitForRollout(ns, 'api');
    expect(k8s.getDeployment(ns, 'api')?.metadata.annotations?.[CAUSE]).toBe(
      "opsdeck: rolled back to revision 2 after alice's rollout failed [req-1]",
    );
    expect(lines.some((line) => line.startsWith(`Rolling back to ${REPO}:v1: `))).toBe(true);
  });

  it('leaves a failed rollout in place when autoRollback is off', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v1`, replicas: 2, progressDeadlineSeconds: 150 });
    k8s.failNextRollout(ns, 'api');
    const outcome = await deployer(k8s, ns).deploy(deployInput('v2', { autoRollback: false }), async () => {});
    expect(outcome.ok).toBe(false);
    expect(outcome.rolledBack).toBeUndefined();
    expect(outcome.summary).toContain('ImagePullBackOff');
    expect(outcome.summary).toMatch(/Not rolled back \(autoRollback is off\)\.$/);
    expect(imageOf(k8s, ns)).toBe(`${REPO}:v2`);
  });

  it('ends a rollout that outlasts rolloutTimeoutMs as failed', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v1`, replicas: 2 });
    k8s.failNextRollout(ns, 'api');
    const outcome = await deployer(k8s, ns, { rolloutTimeoutMs: 300 }).deploy(
      deployInput('v2', { autoRollback: false }),
      async () => {},
    );
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('failed: not finished after 300 ms');
    expect(outcome.summary).toContain('ImagePullBackOff');
  });

  it('plans rollbacks like kubectl rollout undo', async () => {
    const ns = freshNamespace();
    const history = ['v1', 'v2', 'v3'].map((tag) => `${REPO}:${tag}`);
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v4`, replicas: 1, history });
    const d = deployer(k8s, ns);
    expect(await d.planRollback(prod, undefined)).toEqual({
      from: `${REPO}:v4 (revision 4)`,
      to: `${REPO}:v3 (revision 3)`,
      params: { revision: 3, image: `${REPO}:v3` },
    });
    expect((await d.planRollback(prod, '2')).params).toEqual({ revision: 2, image: `${REPO}:v2` });
    expect((await d.planRollback(prod, 'revision 1')).to).toBe(`${REPO}:v1 (revision 1)`);
    expect((await d.planRollback(prod, 'v2')).params.revision).toBe(2);
    await expect(d.planRollback(prod, '9')).rejects.toThrow(/unable to find revision 9 .*; available: 1, 2, 3, 4$/);
    await expect(d.planRollback(prod, 'v9')).rejects.toThrow(UserError);
    await expect(d.planRollback(prod, 'v4')).rejects.toThrow(/already running revision 4/);
    await expect(d.planRollback(prod, '4')).rejects.toThrow(UserError);
  });

  it('finds a revision by short sha when images are tagged by commit', async () => {
    const ns = freshNamespace();
    const old = 'a'.repeat(40);
    k8s.seedDeployment({
      namespace: ns,
      name: 'api',
      image: `${REPO}:${SHA}`,
      replicas: 1,
      history: [`${REPO}:${old}`],
    });
    const plan = await deployer(k8s, ns, { service: { namespace: ns, deployment: 'api', tag: 'sha' } }).planRollback(
      prod,
      'aaaaaaa',
    );
    expect(plan).toMatchObject({
      from: `${REPO}:${SHA} (revision 2)`,
      params: { revision: 1, image: `${REPO}:${old}` },
    });
  });

  it('refuses to plan a rollback without history or on a paused deployment', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v1`, replicas: 1 });
    await expect(deployer(k8s, ns).planRollback(prod, undefined)).rejects.toThrow(
      `nothing to roll back to: deployment ${ns}/api in context prod has no earlier revision`,
    );
    k8s.seedDeployment({ namespace: ns, name: 'paused', image: `${REPO}:v2`, replicas: 1, history: [`${REPO}:v1`] });
    const apps = kubeconfigFor(k8s.kubeconfigYaml()).makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment(
      { namespace: ns, name: 'paused', body: { spec: { paused: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const paused = deployer(k8s, ns, { service: { namespace: ns, deployment: 'paused' } });
    const error = await paused.planRollback(prod, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain('kubectl rollout resume deployment/paused');
  });

  it('rolls back by restoring the revision pod template with a JSON patch', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: `${REPO}:v2`, replicas: 2, history: [`${REPO}:v1`] });
    const oldTemplate = k8s.getReplicaSets(ns, 'api')[0]?.spec.template;
    const d = deployer(k8s, ns);
    const plan = await d.planRollback(prod, undefined);
    const { lines, progress } = recorder();
    const outcome = await d.rollback(prod, plan, { requester: 'bob', requestId: 'req-2' }, progress);
    expect(outcome).toEqual({ ok: true, summary: `api is back on ${REPO}:v1 in prod (revision 3, from revision 1).` });
    const after = k8s.getDeployment(ns, 'api');
    expect(after?.spec.template.spec.containers).toEqual(oldTemplate?.spec.containers);
    expect(after?.spec.template.metadata?.labels).not.toHaveProperty('pod-template-hash');
    expect(after?.metadata.annotations?.[CAUSE]).toBe('opsdeck: bob rolled back to revision 1 [req-2]');
    expect(lines.at(-1)).toBe(`Rolling back to ${REPO}:v1: 2 of 2 updated, 2 available`);
    const patch = k8s.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/namespaces/${ns}/`));
    expect(patch?.contentType).toBe(PatchStrategy.JsonPatch);
    await expect(
      d.rollback(prod, { ...plan, params: { revision: 42 } }, { requester: 'bob', requestId: 'r' }, progress),
    ).rejects.toThrow(/revision 42 of .* no longer exists; plan the rollback again/);
  });
});

describe('KubernetesDeployer when the API server is unreachable', () => {
  let blackHole: Server;
  const sockets = new Set<Socket>();
  let closedPort: number;

  beforeAll(async () => {
    // Accepts connections and never answers, like a hung API server behind a load balancer.
    blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  const unreachable = (port: number) =>
    new KubernetesDeployer({
      clients: new ClusterClients({
        kubeconfig: kubeconfigFor(renderKubeconfig([{ name: 'prod', server: `http://127.0.0.1:${port}`, token: 't' }])),
        contexts: { prod: 'prod' },
        requestTimeoutMs: 200,
      }),
      service: { namespace: 'default', deployment: 'api', image: REPO },
      pollMs: 20,
      clock,
      log: createLogger('silent'),
    });

  it('fails with a clear error when the port is closed', async () => {
    await expect(unreachable(closedPort).current(prod)).rejects.toThrow(
      /^Kubernetes context "prod": could not read deployment default\/api: cannot reach the API server: .*ECONNREFUSED/,
    );
  });

  it('gives up on a server that never answers after requestTimeoutMs', async () => {
    const port = (blackHole.address() as { port: number }).port;
    await expect(unreachable(port).current(prod)).rejects.toThrow(
      'Kubernetes context "prod": could not read deployment default/api: no answer within 200 ms',
    );
    await expect(unreachable(port).deploy(deployInput('v2'), async () => {})).rejects.toThrow(
      /no answer within 200 ms/,
    );
  });
});

describe('KubernetesDeployer.checkRef', () => {
  // No cluster is needed: the check runs while a deploy is planned, on the ref alone and what the repo calls it.
  const check = (tag: 'ref' | 'sha', ref: string, kind: 'branch' | 'tag' | 'commit' | undefined) =>
    new KubernetesDeployer({
      clients: new ClusterClients({ kubeconfig: new KubeConfig(), contexts: {} }),
      service: { namespace: 'api', deployment: 'api', image: REPO, tag },
      refKind: kind && (async () => kind),
      clock,
      log: createLogger('silent'),
    }).checkRef(prod, ref);

  it.each([
    ['ref', 'v1.4.2', 'tag', undefined],
    ['ref', SHA, 'commit', undefined],
    ['ref', 'main', 'branch', '`main` is a branch, and images here are tagged by ref'],
    ['ref', 'main', undefined, undefined],
    ['ref', 'feature/login', 'branch', '`feature/login` cannot be an image tag'],
    ['ref', 'feature/login', undefined, 'set `services.api.deploy.tag: sha` in opsdeck.yaml'],
    ['sha', 'main', 'branch', undefined],
    ['sha', 'feature/login', 'branch', undefined],
  ] as const)('images tagged by %s: %s (%s in the repo) → %s', async (tag, ref, kind, refusal) => {
    const checked = check(tag, ref, kind);
    if (refusal === undefined) await expect(checked).resolves.toBeUndefined();
    else {
      await expect(checked).rejects.toThrow(UserError);
      await expect(checked).rejects.toThrow(refusal);
    }
  });
});
