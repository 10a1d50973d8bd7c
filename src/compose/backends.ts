import type { OpsdeckConfig } from '../config/schema.ts';
import { createDeployer } from '../drivers/index.ts';
import type { Backends, DeployHistory, Deployer, Scaler, SourceControl } from '../ports/backends.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import { type BackendModules, needed } from './backend-modules.ts';
import type { BackendClients } from './clients.ts';

/** How often changes are checked and how long a rollout may take; production defaults, shortened by tests. */
export interface BackendTuning {
  pollMs?: number;
  rolloutTimeoutMs?: number;
}

/**
 * Deploys and rollbacks opsdeck saw succeed, newest first, from its own store: history for drivers that keep
 * none. A rollback counts as what it went back to (its plan's ref and sha).
 */
export function storeHistory(store: Store): DeployHistory {
  return {
    async succeededDeploys(target, limit) {
      const done = await store.listRequests({
        service: target.service,
        env: target.env,
        states: ['succeeded'],
        kinds: ['deploy', 'rollback'],
      });
      return done
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .flatMap((r) => {
          const exec = (r.params as { exec?: { ref?: unknown; sha?: unknown; plan?: { params?: unknown } } }).exec;
          const version = (r.kind === 'rollback' ? exec?.plan?.params : exec) as { ref?: unknown; sha?: unknown };
          if (typeof version?.ref !== 'string') return [];
          const sha = typeof version.sha === 'string' ? version.sha : undefined;
          return [{ ref: version.ref, sha, at: r.updatedAt, requestId: r.id }];
        })
        .slice(0, limit);
    },
  };
}

/**
 * One Deployer per service, from the driver its `deploy.via` names (src/drivers/), and one Scaler per
 * service with a Kubernetes deployment and scale bounds; all of them on the shared `clients`.
 */
export async function createBackends(options: {
  config: OpsdeckConfig;
  modules: BackendModules;
  store: Store;
  log: Logger;
  clients: BackendClients;
  clock: Clock;
  tuning?: BackendTuning;
}): Promise<Backends> {
  const { config, modules, log, clients, clock, tuning = {} } = options;
  const history = storeHistory(options.store);
  const sourceControl = modules.github ? new modules.github.GitHubSourceControl(clients.github()) : noSourceControl();
  const { pollMs, rolloutTimeoutMs } = tuning;
  const deployers = new Map<string, Deployer>();
  const scalers = new Map<string, Scaler>();

  for (const [name, svc] of Object.entries(config.services)) {
    const svcLog = log.child({ component: 'backend', service: name });
    if (svc.deploy) {
      const deployer = await createDeployer(svc.deploy, {
        service: { name, github: svc.github, kubernetes: svc.kubernetes },
        clients,
        sourceControl,
        history,
        clock,
        pollMs,
        rolloutTimeoutMs,
        log: svcLog,
      });
      if (deployer) deployers.set(name, deployer);
    }
    if (svc.scale && svc.kubernetes) {
      const service = svc.kubernetes;
      const kubernetes = clients.kubernetes();
      const { KubernetesScaler } = needed(modules.kubernetes, 'Kubernetes', 'add a kubernetes section');
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

/** Refs of a config without GitHub: no service names a repository, so nothing asks; if something does, it says why. */
function noSourceControl(): SourceControl {
  const refuse = async (): Promise<never> => {
    throw new Error('GitHub is not configured: add a github section to the service');
  };
  return { resolveRef: refuse, refKind: refuse, compare: refuse };
}
