import { z } from 'zod';
import { defineDeployDriver } from '../driver.ts';

const tagLocation = z.union(
  [
    z.strictObject({
      kustomize: z.string().min(1).describe('The `name` of the kustomization `images:` entry whose newTag is set.'),
    }),
    z.strictObject({
      helm: z
        .string()
        .regex(/^[^.[\]]+(\[\d+\])*(\.[^.[\]]+(\[\d+\])*)*$/, 'expected a values path such as image.tag')
        .describe('A path in the Helm values file, e.g. image.tag or workers[0].image.tag.'),
    }),
    z.strictObject({
      container: z.string().min(1).describe('The container of the Deployment in the file whose image tag is set.'),
    }),
  ],
  { error: 'expected one of {kustomize: <image name>}, {helm: <values path>} or {container: <name>}' },
);

const perEnvironment = z.strictObject({
  branch: z.string().min(1).optional().describe('Branch for this environment.'),
  file: z.string().min(1).optional().describe('File for this environment.'),
  app: z.string().min(1).optional().describe('Argo CD application for this environment.'),
});

const configSchema = z
  .strictObject({
    via: z.literal('gitops'),
    repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'expected owner/name')
      .describe('The manifests repository.'),
    branch: z.string().min(1).default('main').describe('The branch Argo CD or Flux applies; `{env}` is replaced.'),
    file: z
      .string()
      .min(1)
      .describe('The file holding the tag, e.g. apps/billing/{env}/kustomization.yaml; `{env}` is replaced.'),
    image: tagLocation.describe('Where the image tag lives in the file.'),
    tag: z
      .enum(['ref', 'sha'])
      .default('ref')
      .describe('Write the ref as typed or the resolved commit sha as the tag.'),
    mode: z
      .enum(['commit', 'pull-request'])
      .default('commit')
      .describe('commit: push to the branch; pull-request: open one (merged when `merge` is true).'),
    merge: z
      .boolean()
      .optional()
      .describe(
        'pull-request mode: merge through the API once GitHub allows it (required checks passed). Default true.',
      ),
    mergeMethod: z
      .enum(['merge', 'squash', 'rebase'])
      .optional()
      .describe('pull-request mode: how to merge. Default: the first the repository allows of merge, squash, rebase.'),
    watch: z
      .enum(['argocd', 'kubernetes'])
      .describe(
        'argocd: follow the Argo CD Application; kubernetes: wait for the Deployment (Flux or any controller).',
      ),
    argocd: z
      .strictObject({
        app: z.string().min(1).describe('The Application name; `{env}` is replaced, e.g. billing-{env}.'),
        sync: z.boolean().default(false).describe('Start a sync after the commit (needs the sync permission).'),
      })
      .optional()
      .describe('With watch: argocd (ARGOCD_SERVER and ARGOCD_AUTH_TOKEN in the environment).'),
    environments: z
      .record(z.string(), perEnvironment)
      .optional()
      .describe('Per environment: its own branch, file or Argo CD application.'),
  })
  .superRefine((config, ctx) => {
    if (config.watch === 'argocd' && !config.argocd) {
      ctx.addIssue({
        code: 'custom',
        path: ['argocd'],
        message: 'required with watch: argocd, e.g. {app: "billing-{env}"}',
      });
    }
    if (config.watch !== 'argocd' && config.argocd) {
      ctx.addIssue({ code: 'custom', path: ['argocd'], message: 'only used with watch: argocd' });
    }
    if (config.mode !== 'pull-request' && config.merge !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['merge'], message: 'only used with mode: pull-request' });
    }
    if (config.mergeMethod !== undefined && (config.mode !== 'pull-request' || config.merge === false)) {
      const message = 'only used when pull requests are merged (mode: pull-request, merge not false)';
      ctx.addIssue({ code: 'custom', path: ['mergeMethod'], message });
    }
  });

/** Commits the image tag to a manifests repository and follows Argo CD (or the Deployment) until it converges. */
export const gitopsDriver = defineDeployDriver({
  via: 'gitops',
  configSchema,
  requires: [
    {
      section: 'kubernetes',
      path: 'kubernetes',
      what: 'namespace and deployment, for watch: kubernetes',
      when: (config) => (config as { watch?: string }).watch === 'kubernetes',
    },
  ],
  check(config, names) {
    return Object.keys(config.environments ?? {})
      .filter((env) => !names.environments.includes(env))
      .map((env) => ({
        path: `environments.${env}`,
        message: `unknown environment "${env}" (known: ${names.environments.join(', ') || 'none'})`,
      }));
  },
  async create(config, ctx) {
    // Loaded here, so a bot with no service deployed this way never loads the GitOps adapter.
    const { GitOpsDeployer } = await import('../../adapters/gitops/index.ts');
    const { kubernetes, github } = ctx.service;
    const { sourceControl } = ctx;
    const watch =
      config.watch === 'argocd'
        ? { via: 'argocd' as const, app: config.argocd?.app ?? '', sync: config.argocd?.sync ?? false }
        : {
            via: 'kubernetes' as const,
            // Present: createDeployer builds no deployer when a section the block requires is missing.
            namespace: kubernetes?.namespace ?? '',
            deployment: kubernetes?.deployment ?? '',
            container: kubernetes?.container,
          };
    return new GitOpsDeployer({
      config: {
        service: ctx.service.name,
        repo: config.repo,
        branch: config.branch,
        file: config.file,
        image: config.image,
        tag: config.tag,
        mode: config.mode,
        merge: config.merge ?? true,
        mergeMethod: config.mergeMethod,
        watch,
        environments: config.environments ?? {},
        pods: kubernetes && { namespace: kubernetes.namespace, deployment: kubernetes.deployment },
      },
      octokit: ctx.clients.github(),
      argocd: () => ctx.clients.argocd(),
      kubernetes: () => ctx.clients.kubernetes(),
      refKind: github ? (ref) => sourceControl.refKind(github.repo, ref) : undefined,
      clock: ctx.clock,
      pollMs: ctx.pollMs,
      timeoutMs: ctx.rolloutTimeoutMs,
      log: ctx.log,
    });
  },
});
