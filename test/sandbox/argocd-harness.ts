import { afterEach } from 'vitest';
import { ArgoCdEmulator, type ArgoToken } from '../../src/sandbox/argocd/index.ts';
import { GitHubEmulator } from '../../src/sandbox/github/index.ts';
import { KubernetesEmulator } from '../../src/sandbox/kubernetes/index.ts';

export const MANIFESTS = 'acme/deploy-manifests';
export const KUSTOMIZATION = 'billing/overlays/prod/kustomization.yaml';
export const kustomization = (tag: string) =>
  '# billing in prod\nresources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/billing\n' +
  `    newTag: ${tag} # bumped by opsdeck\n`;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

export const READ_ONLY: ArgoToken = { token: 'ci-readonly', subject: 'ci-readonly', actions: ['get'] };

/**
 * GitHub, one cluster and Argo CD with every clock in the test's hand: nothing moves until the test calls
 * `argo.reconcile()` or `advance()`, which steps the cluster's clock and controller.
 */
export async function gitopsWorld(options: { automated?: boolean; replicas?: number } = {}) {
  let clock = Date.UTC(2026, 10, 30, 9, 0, 0);
  const now = () => clock;
  const gh = await GitHubEmulator.start({ token: 'gh', autoProgress: false, now });
  const k8s = await KubernetesEmulator.start({ tickMs: 3_600_000, podReadyMs: 1000, timeScale: 1, now });
  gh.seedRepo({ owner: 'acme', name: 'deploy-manifests', commits: 1 });
  gh.writeFiles(MANIFESTS, { [KUSTOMIZATION]: kustomization('v1.0.0') });
  k8s.seedDeployment({
    namespace: 'billing',
    name: 'billing',
    image: 'ghcr.io/acme/billing:v1.0.0',
    replicas: options.replicas ?? 2,
  });
  const argo = await ArgoCdEmulator.start({
    repos: gh,
    token: 'argo-admin',
    tokens: [READ_ONLY],
    autoPoll: false,
    now,
  });
  closers.push(
    () => argo.close(),
    () => gh.close(),
    () => k8s.close(),
  );
  argo.addApplication({
    name: 'billing-prod',
    repo: MANIFESTS,
    targetRevision: 'main',
    source: { kind: 'kustomize', file: KUSTOMIZATION },
    destination: { cluster: k8s, namespace: 'billing', deployment: 'billing' },
    automated: options.automated ?? true,
  });
  /** Moves the cluster's clock forward in controller-sized steps. */
  const advance = (ms: number, stepMs = 250) => {
    for (let t = 0; t < ms; t += stepMs) {
      clock += stepMs;
      k8s.tick();
    }
  };
  const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const token = init.token === undefined ? 'argo-admin' : init.token;
    return fetch(`${argo.url}${path}`, {
      ...init,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    });
  };
  return { gh, k8s, argo, advance, api };
}

export interface AppJson {
  spec: { syncPolicy: { automated?: { prune: boolean; selfHeal: boolean; enabled?: boolean } } };
  operation?: unknown;
  status: {
    sync: { status: string; revision?: string };
    health: { status: string };
    resources: Array<{ health: { status: string; message?: string } }>;
    operationState?: {
      phase: string;
      message: string;
      operation: { initiatedBy: Record<string, unknown>; sync: { revision: string } };
      syncResult?: { revision: string };
    };
    summary: { images?: string[] };
    reconciledAt?: string;
    history: Array<{ revision: string }>;
  };
}

export const imageOf = (k8s: KubernetesEmulator) =>
  k8s.getDeployment('billing', 'billing')?.spec.template.spec.containers[0]?.image;
