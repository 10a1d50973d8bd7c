import { describe, expect, it } from 'vitest';
import { ArgoCdEmulator } from '../../src/sandbox/argocd/index.ts';
import { editManifest, setAutoSync } from '../../src/sandbox/sandbox-controls.ts';
import { GITOPS, seedWorld } from '../../src/sandbox/world.ts';
import { failureOf, octokitFor, startGitHub } from './github-harness.ts';
import { startEmulator } from './kubernetes-helpers.ts';

async function world() {
  const gh = await startGitHub({ autoProgress: false });
  const clusters = { staging: await startEmulator(), prod: await startEmulator() };
  const argocd = await ArgoCdEmulator.start({ repos: gh, autoPoll: false });
  seedWorld(gh, clusters, argocd);
  return {
    gh,
    clusters,
    argocd,
    [Symbol.asyncDispose]: async () => {
      await Promise.all([argocd.close(), clusters.staging.close(), clusters.prod.close()]);
    },
  };
}

describe('sandbox world: billing through GitOps', () => {
  it('seeds overlays whose history holds the previous tag, and Deployments already running them', async () => {
    await using w = await world();
    const octokit = octokitFor(w.gh);
    const { data } = await octokit.rest.repos.listCommits({
      owner: 'acme',
      repo: 'deploy-manifests',
      path: GITOPS.files.prod,
    });
    expect(data.map((c) => c.commit.message)).toEqual(['billing: v2.3.1 to prod', 'billing: base and overlays']);
    expect(w.gh.readFile(GITOPS.repo, GITOPS.files.prod, data[1]?.sha)?.text).toContain('newTag: v2.3.0');
    expect(w.gh.readFile(GITOPS.repo, GITOPS.files.prod)?.text).toContain(
      'newTag: v2.3.1 # the version running in prod',
    );
    const branch = await octokit.rest.repos.getBranch({ owner: 'acme', repo: 'deploy-manifests', branch: 'main' });
    expect(branch.data.protection.required_status_checks?.contexts).toEqual(['kubeconform']);
    const d = w.clusters.prod.getDeployment(GITOPS.namespace, GITOPS.deployment);
    expect(d?.spec.template.spec.containers[0]?.image).toBe('ghcr.io/acme/billing:v2.3.1');
    await w.argocd.reconcile();
    expect(w.argocd.application(GITOPS.applications.prod)).toMatchObject({
      status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } },
    });
  });

  it('edits an overlay behind the bot so a write with the sha it read is refused', async () => {
    await using w = await world();
    const before = w.gh.readFile(GITOPS.repo, GITOPS.files.staging);
    expect(editManifest(w.gh, 'staging')).toMatch(/^dave committed [0-9a-f]{7} to acme\/deploy-manifests/);
    const after = w.gh.readFile(GITOPS.repo, GITOPS.files.staging);
    expect(after?.text).toContain('# Reviewed (1) by dave');
    expect(after?.text).toContain('newTag: v2.4.0');
    const failure = await failureOf(
      octokitFor(w.gh).rest.repos.createOrUpdateFileContents({
        owner: 'acme',
        repo: 'deploy-manifests',
        path: GITOPS.files.staging,
        message: 'billing v2.5.0',
        content: Buffer.from('x').toString('base64'),
        sha: before?.sha ?? '',
      }),
    );
    expect(failure.status).toBe(409);
    expect(editManifest(w.gh, 'qa')).toBe('No billing overlay for qa.');
  });

  it('turns auto-sync off and on', async () => {
    await using w = await world();
    setAutoSync(w.argocd, 'prod', false);
    expect(w.argocd.application('billing-prod')).toMatchObject({ spec: { syncPolicy: {} } });
    expect((w.argocd.application('billing-prod') as { spec: { syncPolicy: object } }).spec.syncPolicy).toEqual({});
    setAutoSync(w.argocd, 'prod', true);
    expect(w.argocd.application('billing-prod')).toMatchObject({
      spec: { syncPolicy: { automated: { prune: true, selfHeal: false } } },
    });
  });
});
