import type { OpsdeckConfig } from '../config/schema.ts';
import type { Settings } from '../config/settings.ts';

/**
 * The adapters of the backends the config uses, each loaded with its SDK only when used: a bot that
 * deploys with GitHub Actions never loads the Kubernetes or AWS clients, and one without REDIS_URL
 * never loads ioredis. Compose reads them here; `undefined` is a backend the config does not use.
 */
export interface BackendModules {
  kubernetes:
    | (typeof import('../adapters/kubernetes/index.ts') & typeof import('../adapters/logs-kubernetes/index.ts'))
    | undefined;
  github: typeof import('../adapters/github/index.ts') | undefined;
  /** The Argo CD client, for services deployed through GitOps. */
  gitops: typeof import('../adapters/gitops/index.ts') | undefined;
  cloudwatch: typeof import('../adapters/logs-cloudwatch/index.ts') | undefined;
  redis: typeof import('../adapters/shared-upstreams/open-redis.ts') | undefined;
}

/** Which backends the config (and REDIS_URL) uses. */
export function backendsUsed(config: OpsdeckConfig, settings: Pick<Settings, 'redisUrl'>) {
  const services = Object.values(config.services);
  const gitops = services.some((s) => s.deploy?.via === 'gitops');
  return {
    kubernetes:
      services.some((s) => s.kubernetes) || Object.values(config.environments).some((e) => e.kubernetes?.context),
    // GitOps writes its manifests repository through the GitHub API.
    github: gitops || services.some((s) => s.github) || Boolean(config.runbooks?.github),
    gitops,
    cloudwatch: services.some((s) => s.logs && 'cloudwatch' in s.logs && s.logs.cloudwatch),
    redis: Boolean(settings.redisUrl),
  };
}

export async function loadBackendModules(
  config: OpsdeckConfig,
  settings: Pick<Settings, 'redisUrl'>,
): Promise<BackendModules> {
  const used = backendsUsed(config, settings);
  const [kubernetes, github, gitops, cloudwatch, redis] = await Promise.all([
    used.kubernetes
      ? Promise.all([import('../adapters/kubernetes/index.ts'), import('../adapters/logs-kubernetes/index.ts')]).then(
          ([adapters, logs]) => ({ ...adapters, ...logs }),
        )
      : undefined,
    used.github ? import('../adapters/github/index.ts') : undefined,
    used.gitops ? import('../adapters/gitops/index.ts') : undefined,
    used.cloudwatch ? import('../adapters/logs-cloudwatch/index.ts') : undefined,
    used.redis ? import('../adapters/shared-upstreams/open-redis.ts') : undefined,
  ]);
  return { kubernetes, github, gitops, cloudwatch, redis };
}

/** The module of a backend the config uses; a clear error for one it does not (a bug in compose). */
export function needed<T>(module: T | undefined, backend: string, fix: string): T {
  if (!module) throw new Error(`${backend} is not configured: ${fix}`);
  return module;
}
