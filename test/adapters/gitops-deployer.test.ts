import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/adapters/github/index.ts';
import { ArgoCdClient, GitOpsDeployer, type GitOpsServiceConfig } from '../../src/adapters/gitops/index.ts';
import { ClusterClients } from '../../src/adapters/kubernetes/index.ts';
import { KubeConfig } from '@kubernetes/client-node';
import type { DeployInput } from '../../src/ports/backends.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { type Backends, GITHUB_TOKEN, startBackends } from '../helpers/backends.ts';
import { ARGOCD_TOKEN, GITOPS, overlay, startGitOps } from '../helpers/gitops.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
let world: Backends;
let gitops: Awaited<ReturnType<typeof startGitOps>>;

beforeEach(async () => {
  world = await startBackends();
  gitops = await startGitOps(world);
});
afterEach(async () => {
  await gitops?.close();
  await world?.close();
});

const base: GitOpsServiceConfig = {
  service: 'billing',
  repo: GITOPS.repo,
  branch: GITOPS.branch,
  file: 'billing/overlays/{env}/kustomization.yaml',
  image: { kustomize: GITOPS.image },
  tag: 'ref',
  mode: 'commit',
  merge: true,
  watch: { via: 'argocd', app: 'billing-{env}', sync: false },
  environments: {},
};

function deployerOptions() {
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromString(world.kubeconfig);
  return {
    config: base,
    octokit: createOctokit({ baseUrl: world.github.url, token: GITHUB_TOKEN, log: silent, retryAfterBaseValue: 1 }),
    argocd: () => new ArgoCdClient({ server: gitops.argocd.url, token: ARGOCD_TOKEN }),
    kubernetes: () => new ClusterClients({ kubeconfig, contexts: { staging: 'staging', prod: 'prod' } }),
    clock: world.clock,
    pollMs: 20,
    timeoutMs: 15_000,
    log: silent,
  };
}

const deployer = (config: Partial<GitOpsServiceConfig> = {}, timeoutMs = 15_000) =>
  new GitOpsDeployer({ ...deployerOptions(), config: { ...base, ...config }, timeoutMs });

const input = (ref: string): DeployInput => ({
  target: { service: 'billing', env: 'prod' },
  ref,
  sha: undefined,
  requester: 'U0ALICE',
  approvers: ['U0BOB'],
  reason: undefined,
  requestId: 'req_1',
  autoRollback: true,
});

const imageOf = () =>
  world.clusters.prod.getDeployment(GITOPS.namespace, GITOPS.deployment)?.spec.template.spec.containers[0]?.image;

describe('GitOps deployer against GitHub, Argo CD and Kubernetes emulators', () => {
  it('reads what runs: the tag, the manifests commit, and Argo CD sync and health', async () => {
    const current = await deployer().current({ service: 'billing', env: 'prod' });
    const head = world.github.shaOf(GITOPS.repo, GITOPS.branch);
    expect(current.ref).toBe('v2.3.1');
    expect(current.details?.map((d) => d.label)).toEqual(['Manifests', 'Argo CD billing-prod']);
    expect(current.details?.[1]?.url).toBe(`${gitops.argocd.url}/applications/billing-prod`);
    // The commit that last changed prod's overlay, not the branch head (staging's newer bump).
    expect(current.details?.[0]?.text).toMatch(
      /^[0-9a-f]{7} on main \(acme\/deploy-manifests\/billing\/overlays\/prod\//,
    );
    expect(current.details?.[0]?.text).not.toContain(head.slice(0, 7));
    expect(current.details?.[1]?.text).toBe('Synced, Healthy');
  });

  it('with sync: true, starts the sync itself on an Application that does not sync automatically', async () => {
    gitops.argocd.setAutoSync('billing-prod', false);
    const sync = { via: 'argocd' as const, app: 'billing-{env}', sync: true };
    const outcome = await deployer({ watch: sync }).deploy(input('v2.4.0'), async () => {});
    expect(outcome).toMatchObject({ ok: true });
    expect(imageOf()).toBe('ghcr.io/acme/billing:v2.4.0');
    expect(gitops.argocd.requests.some((r) => r.method === 'POST' && r.path.endsWith('/billing-prod/sync'))).toBe(true);
  });

  it('with sync: false and auto-sync off, times out saying the Application does not sync by itself', async () => {
    gitops.argocd.setAutoSync('billing-prod', false);
    const d = deployer({}, 600);
    const outcome = await d.deploy({ ...input('v2.4.0'), autoRollback: false }, async () => {});
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toContain('not converged after 600 ms');
    expect(outcome.summary).toContain('Argo CD application billing-prod has auto-sync disabled');
    expect(outcome.summary).toContain('Not reverted (autoRollback is off)');
    expect(overlay(world.github)).toContain('newTag: v2.4.0');
  });

  it('says the tag is in but not followed, and reverts nothing, when Argo CD refuses the token', async () => {
    const d = new GitOpsDeployer({
      ...deployerOptions(),
      argocd: () => new ArgoCdClient({ server: gitops.argocd.url, token: 'revoked' }),
    });
    const outcome = await d.deploy(input('v2.4.0'), async () => {});
    expect(outcome.ok).toBe(false);
    expect(outcome.summary).toMatch(/^billing in prod was set to v2\.4\.0 \(commit [0-9a-f]{7}\), but following the /);
    expect(outcome.summary).toContain('rollout failed: Argo CD could not read application billing-prod');
    expect(outcome.summary).toContain(
      '(401 invalid session: token signature is invalid): ARGOCD_AUTH_TOKEN is missing',
    );
    expect(outcome.summary).toContain('Not reverted: check billing-prod.');
    expect(overlay(world.github)).toContain('newTag: v2.4.0');
  });

  it('with watch: kubernetes, waits for the Deployment to run the new tag whatever applies it', async () => {
    const outcome = await deployer({
      watch: { via: 'kubernetes', namespace: GITOPS.namespace, deployment: GITOPS.deployment, container: 'billing' },
    }).deploy(input('v2.4.0'), async () => {});
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.summary).toContain('runs v2.4.0');
    expect(imageOf()).toBe('ghcr.io/acme/billing:v2.4.0');
  });

  it('rolls back by a new commit to the tag before, planned from the file history', async () => {
    const d = deployer();
    const plan = await d.planRollback({ service: 'billing', env: 'prod' }, undefined);
    expect(plan.params).toMatchObject({ tag: 'v2.3.0', from: 'v2.3.1' });
    expect(plan.warnings).toBeUndefined();
    const outcome = await d.rollback(
      { service: 'billing', env: 'prod' },
      plan,
      { requester: 'U0BOB', requestId: 'req_2', approvers: ['U0ERIN'] },
      async () => {},
    );
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.summary).toContain('billing is back on v2.3.0 in prod');
    expect(overlay(world.github)).toContain('newTag: v2.3.0 # the version running in prod');
    expect(imageOf()).toBe('ghcr.io/acme/billing:v2.3.0');
  });
});
