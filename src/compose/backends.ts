import { KubeConfig } from '@kubernetes/client-node';
import {
  GitHubDeploymentDeployer,
  GitHubSourceControl,
  GitHubWorkflowDeployer,
  createOctokit,
} from '../adapters/github/index.ts';
import { KubernetesDeployer, KubernetesScaler } from '../adapters/kubernetes/index.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import type { Settings } from '../config/settings.ts';
import type { Backends, DeployHistory, Deployer, Scaler } from '../ports/backends.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';

/** Poll intervals and timeouts; production defaults, shortened by tests. */
export interface BackendTuning {
  pollMs?: number;
  requestTimeoutMs?: number;
  rolloutTimeoutMs?: number;
  /** GitHub plugins' retry base (ms); small in tests. */
  retryAfterBaseValue?: number;
}

/** Deploys opsdeck saw succeed, from its own store: history for drivers that keep none. */
export function storeHistory(store: Store): DeployHistory {
  return {
    async succeededDeploys(target, limit) {
      const done = await store.listRequests({ service: target.service, env: target.env, states: ['succeeded'] });
      return done
        .filter((r) => r.kind === 'deploy')
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .slice(0, limit)
        .map((r) => {
          const exec = (r.params as { exec?: { ref?: unknown; sha?: unknown } }).exec ?? {};
          return {
            ref: String(exec.ref),
            sha: typeof exec.sha === 'string' ? exec.sha : undefined,
            at: r.updatedAt,
            requestId: r.id,
          };
        });
    },
  };
}

/**
 * One Deployer and Scaler per service, picked by `deploy.via`. Kubernetes clients come from
 * KUBECONFIG (or in-cluster config); GitHub from GITHUB_TOKEN and GITHUB_API_URL.
 */
export function createBackends(deps: {
  config: OpsdeckConfig;
  settings: Settings;
  store: Store;
  log: Logger;
  kube: () => KubeConfig;
  clock: Clock;
  tuning?: BackendTuning;
}): Backends {
  const { config, settings, log, clock, tuning = {} } = deps;
  const octokit = createOctokit({
    baseUrl: settings.github.apiUrl,
    token: settings.github.token,
    log: log.child({ component: 'github' }),
    requestTimeoutMs: tuning.requestTimeoutMs,
    retryAfterBaseValue: tuning.retryAfterBaseValue,
  });
  const history = storeHistory(deps.store);
  const kube = deps.kube;
  const contexts = Object.fromEntries(
    Object.entries(config.environments).map(([env, e]) => [env, e.kubernetes?.context]),
  );
  const timing = {
    clock,
    pollMs: tuning.pollMs,
    requestTimeoutMs: tuning.requestTimeoutMs,
    rolloutTimeoutMs: tuning.rolloutTimeoutMs,
  };
  const deployers = new Map<string, Deployer>();
  const scalers = new Map<string, Scaler>();

  for (const [name, svc] of Object.entries(config.services)) {
    const svcLog = log.child({ component: 'backend', service: name });
    const k8s = svc.kubernetes;
    // One options object per service, so its deployer and scaler share their API clients.
    const kubeOptions = k8s
      ? {
          kubeconfig: kube(),
          contexts,
          service: {
            ...k8s,
            image: svc.deploy?.via === 'kubernetes' ? svc.deploy.image : undefined,
            tag: svc.deploy?.via === 'kubernetes' ? svc.deploy.tag : undefined,
          },
          log: svcLog,
          ...timing,
        }
      : undefined;
    const deploy = svc.deploy;
    if (deploy?.via === 'kubernetes' && kubeOptions) deployers.set(name, new KubernetesDeployer(kubeOptions));
    if (deploy?.via === 'github-deployment' && svc.github) {
      deployers.set(
        name,
        new GitHubDeploymentDeployer(octokit, {
          repo: svc.github.repo,
          requiredContexts: deploy.requiredContexts,
          clock,
          pollMs: tuning.pollMs,
        }),
      );
    }
    if (deploy?.via === 'github-workflow' && svc.github) {
      deployers.set(
        name,
        new GitHubWorkflowDeployer(octokit, {
          repo: svc.github.repo,
          workflow: deploy.workflow,
          defaultRef: svc.github.defaultRef,
          history,
          clock,
          pollMs: tuning.pollMs,
        }),
      );
    }
    if (svc.scale && kubeOptions) scalers.set(name, new KubernetesScaler(kubeOptions));
  }
  return {
    deployer: (service) => deployers.get(service),
    scaler: (service) => scalers.get(service),
    sourceControl: new GitHubSourceControl(octokit),
  };
}

/** The kubeconfig, read on first use: KUBECONFIG, ~/.kube/config or in-cluster, unless YAML is given. */
export function lazyKubeConfig(yaml: string | undefined): () => KubeConfig {
  let kubeconfig: KubeConfig | undefined;
  return () => {
    if (!kubeconfig) {
      kubeconfig = new KubeConfig();
      if (yaml) kubeconfig.loadFromString(yaml);
      else kubeconfig.loadFromDefault();
    }
    return kubeconfig;
  };
}
