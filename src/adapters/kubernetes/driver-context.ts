import type { Target } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import { type DeploymentHandle, deploymentHandle } from './deployment-handle.ts';
import {
  driverLog,
  type KubernetesDriverOptions,
  type KubernetesServiceConfig,
  type Timing,
  timingOf,
} from './options.ts';

/** What the deployer and the scaler of one service work with: the Deployment per environment, timing, log. */
export interface DriverContext {
  service: KubernetesServiceConfig;
  timing: Timing;
  log: Logger;
  handle(target: Target): DeploymentHandle;
}

export function driverContext(options: KubernetesDriverOptions): DriverContext {
  return {
    service: options.service,
    timing: timingOf(options),
    log: driverLog(options),
    handle: (target) => deploymentHandle(options.clients, options.service, target.env),
  };
}
