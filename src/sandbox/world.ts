import type { ArgoCdEmulator } from './argocd/index.ts';
import type { GitHubEmulator } from './github/index.ts';
import type { KubernetesEmulator } from './kubernetes/index.ts';
import { seedArgoApplications, seedGitOps } from './world-gitops.ts';

export { ARGOCD_TOKEN, GITOPS } from './world-gitops.ts';

const API_COMMITS = [
  'Initial API skeleton',
  'Add orders endpoint',
  'Paginate order listing',
  'Release v1.0.0',
  'Add idempotency keys to POST /orders',
  'Retry payment provider timeouts',
  'Release v1.1.0',
  'Cache product lookups',
  'Fix N+1 query in order items',
  'Release v1.2.0',
  'Add /healthz and /readyz',
  'Tune connection pool size',
  'Release v1.3.0',
  'Add request tracing headers',
  'Reduce p99 latency of checkout',
  'Release v1.4.0',
  'Bump dependencies',
  'Add rate limiting per API key',
];

/**
 * Repositories with history, a deploy workflow, deployments already running in both clusters, and billing's
 * manifests repository with an Argo CD Application per environment (when Argo CD is given).
 */
export function seedWorld(
  github: GitHubEmulator,
  clusters: { staging: KubernetesEmulator; prod: KubernetesEmulator },
  argocd?: ArgoCdEmulator,
): void {
  github.seedRepo({
    owner: 'acme',
    name: 'api',
    commits: API_COMMITS.map((message, i) => ({ message, author: ['alice', 'dave', 'bob'][i % 3] })),
    tags: { 'v1.0.0': 3, 'v1.1.0': 6, 'v1.2.0': 9, 'v1.3.0': 12, 'v1.4.0': 15 },
  });
  github.seedRepo({ owner: 'acme', name: 'web', commits: 8, tags: { 'v2.0.0': 3, 'v2.1.0': 6 } });
  github.seedWorkflow({ repo: 'acme/web', file: 'deploy.yml', name: 'Deploy', inputs: ['ref', 'environment'] });
  github.seedRepo({ owner: 'acme', name: 'worker', commits: 5, tags: { 'v0.9.0': 3 } });
  // CI on api: main and every release passed build and test; v1.2.0's security scan failed, so prod refuses it.
  for (const ref of ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'main']) {
    github.addCheckRun('acme/api', ref, { name: 'build', conclusion: 'success' });
    github.addCheckRun('acme/api', ref, { name: 'test', conclusion: 'success' });
  }
  github.setCommitStatus('acme/api', 'v1.2.0', 'security/scan', 'failure', {
    description: 'CVE-2026-1234 in a dependency',
    targetUrl: 'https://ci.example/security/1234',
  });

  const versions = { staging: 'v1.4.0', prod: 'v1.3.0' } as const;
  for (const env of ['staging', 'prod'] as const) {
    const k8s = clusters[env];
    k8s.seedDeployment({
      namespace: 'api',
      name: 'api',
      container: 'api',
      image: `ghcr.io/acme/api:${versions[env]}`,
      replicas: env === 'prod' ? 4 : 2,
      history: [
        'ghcr.io/acme/api:v1.1.0',
        'ghcr.io/acme/api:v1.2.0',
        ...(env === 'staging' ? ['ghcr.io/acme/api:v1.3.0'] : []),
      ],
    });
    k8s.seedDeployment({
      namespace: 'web',
      name: 'web',
      image: 'ghcr.io/acme/web:v2.1.0',
      replicas: 3,
      history: ['ghcr.io/acme/web:v2.0.0'],
      ...(env === 'prod' ? { hpa: { min: 3, max: 8 } } : {}),
    });
  }
  seedGitOps(github, clusters);
  if (argocd) seedArgoApplications(argocd, clusters);
}
