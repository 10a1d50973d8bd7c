import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { type AppJson, gitopsWorld, imageOf, KUSTOMIZATION, kustomization, MANIFESTS } from './argocd-harness.ts';

async function commitTag(gh: Awaited<ReturnType<typeof gitopsWorld>>['gh'], tag: string): Promise<string> {
  const octokit = new Octokit({ baseUrl: gh.url, auth: 'gh' });
  const current = gh.readFile(MANIFESTS, KUSTOMIZATION);
  const { data } = await octokit.rest.repos.createOrUpdateFileContents({
    owner: 'acme',
    repo: 'deploy-manifests',
    path: KUSTOMIZATION,
    message: `billing ${tag}`,
    content: Buffer.from(kustomization(tag)).toString('base64'),
    sha: current?.sha ?? '',
  });
  return data.commit.sha ?? '';
}

describe('Argo CD emulator: following the manifests repository', () => {
  it('auto-syncs a commit to the Deployment image and reports Healthy once the rollout is done', async () => {
    const { gh, k8s, argo, advance, api } = await gitopsWorld();
    await argo.reconcile();
    const start = (await (await api('/api/v1/applications/billing-prod')).json()) as AppJson;
    expect(start.status.sync).toEqual(
      expect.objectContaining({ status: 'Synced', revision: gh.shaOf(MANIFESTS, 'main') }),
    );
    expect(start.status.health.status).toBe('Healthy');
    expect(start.status.summary.images).toEqual(['ghcr.io/acme/billing:v1.0.0']);
    expect(start.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
    expect(start.status.reconciledAt).toBe('2026-11-30T09:00:00Z');

    const sha = await commitTag(gh, 'v1.1.0');
    await argo.reconcile();
    const noticed = argo.application('billing-prod') as unknown as AppJson;
    expect(noticed.status.sync).toEqual(expect.objectContaining({ status: 'OutOfSync', revision: sha }));
    expect(noticed.status.operationState).toMatchObject({
      phase: 'Running',
      operation: { initiatedBy: { automated: true }, sync: { revision: sha } },
    });
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.0.0');

    await argo.reconcile();
    const synced = argo.application('billing-prod') as unknown as AppJson;
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.1.0');
    expect(synced.status.operationState).toMatchObject({
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
      syncResult: { revision: sha },
    });
    expect(synced.status.sync.status).toBe('Synced');
    expect(synced.status.health.status).toBe('Progressing');
    expect(synced.status.resources[0]?.health.message).toBe(
      'Waiting for rollout to finish: observed deployment generation less than desired generation',
    );
    expect(synced.status.history.map((h) => h.revision)).toEqual([sha]);

    advance(10_000);
    const healthy = (await (await api('/api/v1/applications/billing-prod?refresh=normal')).json()) as AppJson;
    expect(healthy.status.health.status).toBe('Healthy');
    expect(healthy.status.summary.images).toEqual(['ghcr.io/acme/billing:v1.1.0']);
    expect(k8s.getPods('billing', 'billing').map((p) => p.spec.containers[0]?.image)).toEqual([
      'ghcr.io/acme/billing:v1.1.0',
      'ghcr.io/acme/billing:v1.1.0',
    ]);
  });

  it('reports Degraded past the progress deadline, and Healthy again after a revert commit', async () => {
    const { gh, k8s, argo, advance } = await gitopsWorld();
    await argo.reconcile();
    k8s.failNextRollout('billing', 'billing');
    await commitTag(gh, 'v1.2.0');
    await argo.reconcile();
    await argo.reconcile();
    advance(5_000);
    await argo.reconcile();
    expect((argo.application('billing-prod') as unknown as AppJson).status.health.status).toBe('Progressing');
    advance(600_000, 5_000);
    await argo.reconcile();
    const degraded = argo.application('billing-prod') as unknown as AppJson;
    expect(degraded.status.health.status).toBe('Degraded');
    expect(degraded.status.resources[0]?.health.message).toBe('Deployment "billing" exceeded its progress deadline');
    expect(degraded.status.sync.status).toBe('Synced');
    expect(degraded.status.operationState?.phase).toBe('Succeeded');

    const revert = await commitTag(gh, 'v1.0.0');
    await argo.reconcile();
    await argo.reconcile();
    advance(10_000);
    await argo.reconcile();
    const healed = argo.application('billing-prod') as unknown as AppJson;
    expect(healed.status).toMatchObject({
      health: { status: 'Healthy' },
      sync: { status: 'Synced', revision: revert },
    });
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.0.0');
  });

  it('stays OutOfSync without an automated policy until a sync is requested', async () => {
    const { gh, k8s, argo, advance, api } = await gitopsWorld({ automated: false });
    const sha = await commitTag(gh, 'v2.0.0');
    await argo.reconcile();
    await argo.reconcile();
    const waiting = (await (await api('/api/v1/applications/billing-prod')).json()) as AppJson;
    expect(waiting.spec.syncPolicy.automated).toBeUndefined();
    expect(waiting.status.sync.status).toBe('OutOfSync');
    expect(waiting.status.operationState).toBeUndefined();
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.0.0');

    const res = await api('/api/v1/applications/billing-prod/sync', { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    const requested = (await res.json()) as AppJson;
    expect(requested.operation).toMatchObject({ initiatedBy: { username: 'admin' }, sync: { revision: 'main' } });
    expect(requested.status.operationState).toBeUndefined();
    const busy = await api('/api/v1/applications/billing-prod/sync', { method: 'POST', body: '{}' });
    expect(busy.status).toBe(400);
    expect(await busy.json()).toEqual({
      error: 'another operation is already in progress',
      code: 9,
      message: 'another operation is already in progress',
    });

    await argo.reconcile();
    const running = argo.application('billing-prod') as unknown as AppJson;
    expect(running.status.operationState).toMatchObject({
      phase: 'Running',
      message: 'one or more tasks are running',
      operation: { initiatedBy: { username: 'admin' } },
    });
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.0.0');
    await argo.reconcile();
    advance(10_000);
    await argo.reconcile();
    const done = argo.application('billing-prod') as unknown as AppJson;
    expect(done.status).toMatchObject({
      sync: { status: 'Synced', revision: sha },
      health: { status: 'Healthy' },
      operationState: { phase: 'Succeeded', syncResult: { revision: sha } },
    });
    expect(done.operation).toBeUndefined();
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v2.0.0');
  });

  it('fails the operation when the Deployment does not exist, and reports Missing', async () => {
    const { argo, k8s, api } = await gitopsWorld({ automated: false });
    argo.addApplication({
      name: 'ghost',
      repo: MANIFESTS,
      source: { kind: 'kustomize', file: KUSTOMIZATION },
      destination: { cluster: k8s, namespace: 'billing', deployment: 'ghost' },
    });
    await api('/api/v1/applications/ghost/sync', { method: 'POST' });
    await argo.reconcile('ghost');
    await argo.reconcile('ghost');
    const app = argo.application('ghost') as unknown as AppJson;
    expect(app.status.health.status).toBe('Missing');
    expect(app.status.operationState).toMatchObject({
      phase: 'Failed',
      message: 'one or more objects failed to apply, reason: deployments.apps "ghost" not found',
    });
  });

  it('fails the operation when the cluster cannot be reached, and keeps reconciling', async () => {
    const { gh, k8s, argo } = await gitopsWorld();
    await argo.reconcile();
    await k8s.close();
    await commitTag(gh, 'v3.0.0');
    await argo.reconcile();
    await argo.reconcile();
    const app = argo.application('billing-prod') as unknown as AppJson;
    expect(app.status.operationState?.phase).toBe('Failed');
    expect(app.status.operationState?.message).toMatch(/^one or more objects failed to apply, reason: /);
    expect(app.status.sync.status).toBe('OutOfSync');
  });

  it('fails the next sync on demand without touching the Deployment', async () => {
    const { gh, k8s, argo } = await gitopsWorld();
    await argo.reconcile();
    argo.failNextSync('billing-prod');
    const sha = await commitTag(gh, 'v4.0.0');
    await argo.reconcile();
    await argo.reconcile();
    const app = argo.application('billing-prod') as unknown as AppJson;
    expect(app.status.operationState).toMatchObject({
      phase: 'Failed',
      message:
        'one or more objects failed to apply, reason: admission webhook "validate.kyverno.svc" denied the request: ' +
        'image tag is not allowed',
      operation: { sync: { revision: sha } },
    });
    expect(app.status.sync.status).toBe('OutOfSync');
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.0.0');
  });

  it('keeps an automated block with enabled: false without syncing, as Argo CD 3 does', async () => {
    const { gh, k8s, argo } = await gitopsWorld();
    argo.setAutoSync('billing-prod', { prune: true, enabled: false });
    await commitTag(gh, 'v5.0.0');
    await argo.reconcile();
    await argo.reconcile();
    const app = argo.application('billing-prod') as unknown as AppJson;
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: false, enabled: false });
    expect(app.status.sync.status).toBe('OutOfSync');
    expect(app.status.operationState).toBeUndefined();
    expect(imageOf(k8s)).toBe('ghcr.io/acme/billing:v1.0.0');
  });
});
