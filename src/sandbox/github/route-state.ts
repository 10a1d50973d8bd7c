import type { DeploymentStore } from './deployments.ts';
import type { Links } from './links.ts';
import type { Repository } from './repository.ts';
import type { Simulator } from './simulator.ts';
import type { WorkflowStore } from './workflows.ts';

/** What route handlers share: the stores, the outside-world simulator and how to build links. */
export interface RouteState {
  readonly links: Links;
  /** The authenticated user: creator of deployments and statuses, actor of dispatched runs. */
  readonly login: string;
  readonly deployments: DeploymentStore;
  readonly workflows: WorkflowStore;
  readonly simulator: Simulator;
  now(): number;
  /** The repository named by `:owner/:repo`; 404 when unknown. */
  repo(params: Readonly<Record<string, string>>): Repository;
}
