import type { Target } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import { ClusterClients } from './cluster-clients.ts';
import { type DeploymentHandle, deploymentHandle } from './deployment-handle.ts';
import {
  driverLog,
  type KubernetesDriverOptions,
  type KubernetesServiceConfig,
  type Timing,
  timingOf,
} from './options.ts';

/** What the deployer and the scaler of one service share: API clients per environment, timing, log. */
export interface DriverContext {
  service: KubernetesServiceConfig;
  timing: Timing;
  log: Logger;
  handle(target: Target): DeploymentHandle;
}

// Drivers built from the same options object share one set of clients.
const contexts = new WeakMap<KubernetesDriverOptions, DriverContext>();

export function driverContext(options: KubernetesDriverOptions): DriverContext {
  let ctx = contexts.get(options);
  if (!ctx) {
    const timing = timingOf(options);
    const clients = new ClusterClients(options.kubeconfig, options.contexts, timing.requestTimeoutMs);
    ctx = {
      service: options.service,
      timing,
      log: driverLog(options),
      handle: (target) => deploymentHandle(clients, options.service, target.env),
    };
    contexts.set(options, ctx);
  }
  return ctx;
}
