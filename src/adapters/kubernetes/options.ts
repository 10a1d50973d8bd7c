import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { ClusterClients } from './cluster-clients.ts';

/** The Deployment behind one service, and how its images are named. */
export interface KubernetesServiceConfig {
  namespace: string;
  deployment: string;
  /** The container deploys change; defaults to the first one. */
  container?: string | undefined;
  /** Image repository deploys use, e.g. `ghcr.io/acme/api`; defaults to the repository running now. */
  image?: string | undefined;
  /** Whether images are tagged with the ref as typed (default) or with the commit sha. */
  tag?: 'ref' | 'sha' | undefined;
}

export interface KubernetesDriverOptions {
  /** The process's clients per context, shared with every other user of the cluster. */
  clients: ClusterClients;
  service: KubernetesServiceConfig;
  /**
   * What the service's repository calls a ref, when it has one: with images tagged by ref, a branch name
   * is refused because its tag may move.
   */
  refKind?: ((ref: string) => Promise<'branch' | 'tag' | 'commit'>) | undefined;
  /** How often rollouts and scaling are checked (default 1000 ms). */
  pollMs?: number | undefined;
  /** Cap on waiting for one rollout or scale to finish (default 15 min). */
  rolloutTimeoutMs?: number | undefined;
  /** Paces polls and measures the rollout timeout. */
  clock: Clock;
  log: Logger;
}

export interface Timing {
  clock: Clock;
  pollMs: number;
  rolloutTimeoutMs: number;
}

export function timingOf(options: KubernetesDriverOptions): Timing {
  return {
    clock: options.clock,
    pollMs: options.pollMs ?? 1000,
    rolloutTimeoutMs: options.rolloutTimeoutMs ?? 15 * 60_000,
  };
}

/** The driver's logger, tagged with the Deployment it manages. */
export function driverLog(options: KubernetesDriverOptions): Logger {
  const { namespace, deployment } = options.service;
  return options.log.child({ driver: 'kubernetes', deployment: `${namespace}/${deployment}` });
}
