import { GitHubDeploymentDeployer, GitHubSourceControl, GitHubWorkflowDeployer } from '../adapters/github/index.ts';
import { KubernetesDeployer, KubernetesScaler } from '../adapters/kubernetes/index.ts';
import type { OpsdeckConfig } from '../config/schema.ts';
import type { Backends, DeployHistory, Deployer, Scaler } from '../ports/backends.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import type { BackendClients } from './clients.ts';

/** How often changes are checked and how long a rollout may take; production defaults, shortened by tests. */
export interface BackendTuning {
  pollMs?: number;
  rolloutTimeoutMs?: number;
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
 * One Deployer and Scaler per service, picked by `deploy.via`, all of them on the shared `clients`.
 */
export function createBackends(options: {
  config: OpsdeckConfig;
  store: Store;
  log: Logger;
  clients: BackendClients;
  clock: Clock;
  tuning?: BackendTuning;
}): Backends {
  const { config, log, clients, clock, tuning = {} } = options;
  const history = storeHistory(options.store);
  const sourceControl = new GitHubSourceControl(clients.github());
  const { pollMs, rolloutTimeoutMs } = tuning;
  const deployers = new Map<string, Deployer>();
  const scalers = new Map<string, Scaler>();

  for (const [name, svc] of Object.entries(config.services)) {
    const svcLog = log.child({ component: 'backend', service: name });
    const k8s = svc.kubernetes;
    const deploy = svc.deploy;
    if (deploy?.via === 'kubernetes' && k8s) {
      const service = { ...k8s, image: deploy.image, tag: deploy.tag };
      const kubernetes = clients.kubernetes();
      deployers.set(
        name,
        new KubernetesDeployer({ clients: kubernetes, service, clock, pollMs, rolloutTimeoutMs, log: svcLog }),
      );
    }
    if (deploy?.via === 'github-deployment' && svc.github) {
      const { repo } = svc.github;
      const { requiredContexts } = deploy;
      deployers.set(name, new GitHubDeploymentDeployer(clients.github(), { repo, requiredContexts, clock, pollMs }));
    }
    if (deploy?.via === 'github-workflow' && svc.github) {
      const { repo, defaultRef } = svc.github;
      const { workflow } = deploy;
      deployers.set(
        name,
        new GitHubWorkflowDeployer(clients.github(), { repo, workflow, defaultRef, history, clock, pollMs }),
      );
    }
    if (svc.scale && svc.kubernetes) {
      const service = svc.kubernetes;
      const kubernetes = clients.kubernetes();
      scalers.set(
        name,
        new KubernetesScaler({ clients: kubernetes, service, clock, pollMs, rolloutTimeoutMs, log: svcLog }),
      );
    }
  }
  return {
    deployer: (service) => deployers.get(service),
    scaler: (service) => scalers.get(service),
    sourceControl,
  };
}
