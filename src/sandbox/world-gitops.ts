import type { ArgoCdEmulator } from './argocd/index.ts';
import type { GitHubEmulator } from './github/index.ts';
import type { KubernetesEmulator } from './kubernetes/index.ts';

type Env = 'staging' | 'prod';

/** The fourth service, deployed through GitOps: a manifests repository that Argo CD applies to both clusters. */
export const GITOPS = {
  service: 'billing',
  /** The service's source repository (tags and CI checks, like the other services). */
  sourceRepo: 'acme/billing',
  /** The manifests repository and the branch Argo CD follows. */
  repo: 'acme/deploy-manifests',
  branch: 'main',
  /** Required on the branch for pull requests, and run by the emulated CI on each pull request's head. */
  requiredChecks: ['kubeconform'],
  image: 'ghcr.io/acme/billing',
  namespace: 'billing',
  deployment: 'billing',
  container: 'billing',
  files: {
    staging: 'billing/overlays/staging/kustomization.yaml',
    prod: 'billing/overlays/prod/kustomization.yaml',
  },
  applications: { staging: 'billing-staging', prod: 'billing-prod' },
  versions: { staging: 'v2.4.0', prod: 'v2.3.1' },
} as const;

/** The sandbox's Argo CD admin token (`ARGOCD_AUTH_TOKEN`). */
export const ARGOCD_TOKEN = 'sandbox-argocd-token';

const BASE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  labels:
    app: billing
spec:
  replicas: 2
  selector:
    matchLabels:
      app: billing
  template:
    metadata:
      labels:
        app: billing
    spec:
      containers:
        - name: billing
          # The tag is set per environment by the overlays' images: entry.
          image: ghcr.io/acme/billing
          ports:
            - containerPort: 8080
`;

const BASE_KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
`;

const overlay = (env: Env, tag: string) => `# billing in ${env}: Argo CD application billing-${env} syncs this overlay.
# opsdeck changes only newTag below; make other edits in their own commits.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: billing
resources:
  - ../../base
images:
  # The billing API, built by acme/billing's release workflow.
  - name: ghcr.io/acme/billing
    newTag: ${tag} # the version running in ${env}
replicas:
  - name: billing
    count: ${env === 'prod' ? 3 : 2}
`;

/** The manifests repository with history (so there is a previous version to revert to) and billing's pods. */
export function seedGitOps(github: GitHubEmulator, clusters: Record<Env, KubernetesEmulator>): void {
  github.seedRepo({
    owner: 'acme',
    name: 'billing',
    commits: ['Initial billing service', 'Invoices API', 'Release v2.3.0', 'Fix rounding', 'Release v2.3.1', 'Dunning']
      .concat(['Release v2.4.0'])
      .map((message, i) => ({ message, author: ['carol', 'dave'][i % 2] })),
    tags: { 'v2.3.0': 2, 'v2.3.1': 4, 'v2.4.0': 6 },
  });
  for (const tag of ['v2.3.0', 'v2.3.1', 'v2.4.0']) {
    github.addCheckRun(GITOPS.sourceRepo, tag, { name: 'build', conclusion: 'success' });
  }
  github.seedRepo({
    owner: 'acme',
    name: 'deploy-manifests',
    commits: [{ message: 'Initial commit', author: 'dave' }],
  });
  const write = (files: Record<string, string>, message: string) =>
    github.writeFiles(GITOPS.repo, files, { message, author: 'dave' });
  write(
    {
      'README.md': '# deploy-manifests\n\nWhat Argo CD applies. One folder per service, one overlay per environment.\n',
      'billing/base/deployment.yaml': BASE_DEPLOYMENT,
      'billing/base/kustomization.yaml': BASE_KUSTOMIZATION,
      [GITOPS.files.staging]: overlay('staging', 'v2.3.0'),
      [GITOPS.files.prod]: overlay('prod', 'v2.3.0'),
    },
    'billing: base and overlays',
  );
  write({ [GITOPS.files.staging]: overlay('staging', 'v2.3.1') }, 'billing: v2.3.1 to staging');
  write({ [GITOPS.files.prod]: overlay('prod', 'v2.3.1') }, 'billing: v2.3.1 to prod');
  write({ [GITOPS.files.staging]: overlay('staging', 'v2.4.0') }, 'billing: v2.4.0 to staging');
  github.requireChecks(GITOPS.repo, GITOPS.branch, GITOPS.requiredChecks);
  github.runChecksOnPullRequests(GITOPS.repo, GITOPS.requiredChecks);
  for (const env of ['staging', 'prod'] as const) {
    const history = env === 'prod' ? ['v2.3.0'] : ['v2.3.0', 'v2.3.1'];
    clusters[env].seedDeployment({
      namespace: GITOPS.namespace,
      name: GITOPS.deployment,
      container: GITOPS.container,
      image: `${GITOPS.image}:${GITOPS.versions[env]}`,
      replicas: env === 'prod' ? 3 : 2,
      history: history.map((tag) => `${GITOPS.image}:${tag}`),
    });
  }
}

/** One Application per environment, auto-syncing its overlay into that environment's cluster. */
export function seedArgoApplications(argocd: ArgoCdEmulator, clusters: Record<Env, KubernetesEmulator>): void {
  for (const env of ['staging', 'prod'] as const) {
    argocd.addApplication({
      name: GITOPS.applications[env],
      repo: GITOPS.repo,
      targetRevision: GITOPS.branch,
      source: { kind: 'kustomize', file: GITOPS.files[env], image: GITOPS.image },
      destination: {
        cluster: clusters[env],
        namespace: GITOPS.namespace,
        deployment: GITOPS.deployment,
        container: GITOPS.container,
      },
      automated: { prune: true, selfHeal: false },
    });
  }
}
