import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { KubeConfig, PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClients, KubernetesScaler, type KubernetesDriverOptions } from '../../src/adapters/kubernetes/index.ts';
import { UserError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { type KubernetesEmulator, renderKubeconfig } from '../../src/sandbox/kubernetes/index.ts';
import { epochMs, pinnedClock, WEEKDAY } from '../helpers/clock.ts';
import { startEmulator } from '../sandbox/kubernetes-helpers.ts';

const clock = pinnedClock(WEEKDAY);

const IMAGE = 'ghcr.io/acme/api:v1';
const prod = { service: 'api', env: 'prod' };

/** A namespace of its own for each test, so tests share one emulator without seeing each other. */
const freshNamespace = () => `t-${randomBytes(4).toString('hex')}`;

function kubeconfigFor(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

function scaler(k8s: KubernetesEmulator, namespace: string, extra: Partial<KubernetesDriverOptions> = {}) {
  return new KubernetesScaler({
    clients: new ClusterClients({
      kubeconfig: kubeconfigFor(k8s.kubeconfigYaml({ contexts: ['staging', 'prod'] })),
      contexts: { staging: 'staging', prod: 'prod' },
    }),
    service: { namespace, deployment: 'api' },
    pollMs: 20,
    rolloutTimeoutMs: 15_000,
    clock,
    log: createLogger('silent'),
    ...extra,
  });
}

describe('KubernetesScaler against the emulator', () => {
  let k8s: KubernetesEmulator;

  beforeAll(async () => {
    k8s = await startEmulator({ now: epochMs(clock) });
  });

  afterAll(() => k8s.close());

  it('reports replicas and readiness, with no autoscaler', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 3 });
    expect(await scaler(k8s, ns).status(prod)).toEqual({ replicas: 3, ready: 3, autoscaler: undefined });
  });

  it('reports the HorizontalPodAutoscaler that targets the deployment', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'other', image: IMAGE, replicas: 1, hpa: { min: 1, max: 3 } });
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 2, hpa: { min: 2, max: 10 } });
    expect(await scaler(k8s, ns).status(prod)).toEqual({
      replicas: 2,
      ready: 2,
      autoscaler: { name: 'api', min: 2, max: 10 },
    });
  });

  it('scales up through the scale subresource and waits until the pods are ready', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 2 });
    const lines: string[] = [];
    const outcome = await scaler(k8s, ns).scale(prod, 5, async (line) => void lines.push(line));
    expect(outcome).toEqual({ ok: true, summary: 'api in prod scaled 2 → 5 (5/5 ready).' });
    expect(k8s.getDeployment(ns, 'api')?.status.readyReplicas).toBe(5);
    expect(lines.at(-1)).toBe('Scaling api in prod 2 → 5: 5/5 ready');
    const patch = k8s.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/namespaces/${ns}/`));
    expect(patch).toMatchObject({
      path: `/apis/apps/v1/namespaces/${ns}/deployments/api/scale`,
      contentType: PatchStrategy.MergePatch,
    });
  });

  it('scales down', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 4 });
    const outcome = await scaler(k8s, ns).scale(prod, 1, async () => {});
    expect(outcome).toEqual({ ok: true, summary: 'api in prod scaled 4 → 1 (1/1 ready).' });
    expect(k8s.getDeployment(ns, 'api')?.spec.replicas).toBe(1);
  });

  it('says so when an autoscaler sets the replicas back', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 2, hpa: { min: 2, max: 4 } });
    const outcome = await scaler(k8s, ns).scale(prod, 8, async () => {});
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toBe(
      'api in prod scaled 2 → 8, but the HorizontalPodAutoscaler api (min 2, max 4) set it to 4 replicas.',
    );
  });

  it('ends with the ready count when pods do not become ready in time', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: 'ghcr.io/acme/broken:v1', replicas: 1 });
    k8s.failImage('ghcr.io/acme/broken:*');
    const outcome = await scaler(k8s, ns, { rolloutTimeoutMs: 300 }).scale(prod, 3, async () => {});
    expect(outcome).toEqual({ ok: false, summary: 'api in prod scaled 1 → 3, but only 1/3 are ready after 300 ms.' });
  });

  it('refuses a replica count that is not a whole number', async () => {
    const ns = freshNamespace();
    k8s.seedDeployment({ namespace: ns, name: 'api', image: IMAGE, replicas: 1 });
    await expect(scaler(k8s, ns).scale(prod, -1, async () => {})).rejects.toThrow(UserError);
    await expect(scaler(k8s, ns).scale(prod, 1.5, async () => {})).rejects.toThrow(UserError);
  });
});

describe('KubernetesScaler when the API server is unreachable', () => {
  it('fails with a clear error naming the context', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const s = new KubernetesScaler({
      clients: new ClusterClients({
        kubeconfig: kubeconfigFor(
          renderKubeconfig([{ name: 'prod-eu', server: `http://127.0.0.1:${port}`, token: 't' }]),
        ),
        contexts: { prod: 'prod-eu' },
        requestTimeoutMs: 200,
      }),
      service: { namespace: 'default', deployment: 'api' },
      clock,
      log: createLogger('silent'),
    });
    await expect(s.status(prod)).rejects.toThrow(
      /^Kubernetes context "prod-eu": could not .* cannot reach the API server/,
    );
    await expect(s.scale(prod, 2, async () => {})).rejects.toThrow(
      /could not read the scale of deployment default\/api/,
    );
  });
});
