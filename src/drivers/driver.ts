import type { Octokit } from '@octokit/rest';
import type { z } from 'zod';
import type { ArgoCdClient } from '../adapters/gitops/argocd-client.ts';
import type { ClusterClients } from '../adapters/kubernetes/cluster-clients.ts';
import type { DeployHistory, Deployer, SourceControl } from '../ports/backends.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';

/** The sections of a service's config that a deploy driver may need besides its own `deploy` block. */
export interface ServiceSections {
  github?: { repo: string; defaultRef: string } | undefined;
  kubernetes?: { namespace: string; deployment: string; container?: string | undefined } | undefined;
}

export type Section = keyof ServiceSections;

/** A section the driver cannot work without: config check reports it missing at `path`; compose skips the driver. */
export interface Requirement<S extends Section = Section> {
  section: S;
  /** Where the problem is reported, under `services.<name>`: `github.repo`, `kubernetes`. */
  path: string;
  /** What the section provides, added to the message: "namespace and deployment". */
  what?: string;
  /** Only when the driver's block says so (a GitOps deploy watching the Deployment); always when omitted. */
  when?: (config: unknown) => boolean;
}

/** What `create` is given: the service (its required sections present) and the process's shared clients. */
export interface DriverContext<S extends Section = never> {
  service: { name: string } & ServiceSections & { [K in S]-?: NonNullable<ServiceSections[K]> };
  /**
   * One Octokit per token, one set of Kubernetes clients per context and one Argo CD client, shared with
   * every other user. `argocd()` throws naming ARGOCD_SERVER or ARGOCD_AUTH_TOKEN when one is not set.
   */
  clients: { github(): Octokit; kubernetes(): ClusterClients; argocd(): ArgoCdClient };
  sourceControl: SourceControl;
  /** Deploys opsdeck ran and saw succeed, for drivers whose backend keeps no record. */
  history: DeployHistory;
  clock: Clock;
  /** How often a deploy is checked, and how long a rollout may take (production defaults when undefined). */
  pollMs: number | undefined;
  rolloutTimeoutMs: number | undefined;
  log: Logger;
}

/** A driver's own block under `services.<name>.deploy`: a strict object told apart by its `via` literal. */
export type DriverConfigSchema<Via extends string> = z.ZodObject<{ via: z.ZodLiteral<Via> } & z.core.$ZodShape>;

/**
 * One way of deploying a service. `via` names it in opsdeck.yaml; `configSchema` is its `deploy` block
 * (the config schema, its JSON Schema and config check take it from the registry); `create` builds the
 * service's Deployer at start.
 */
export interface DeployDriver<
  Via extends string = string,
  Schema extends DriverConfigSchema<Via> = DriverConfigSchema<Via>,
  S extends Section = Section,
> {
  via: Via;
  configSchema: Schema;
  requires: readonly Requirement<S>[];
  /**
   * Checks of the block against the rest of the file (config check runs them); `path` is under
   * `services.<name>.deploy`. Optional.
   */
  check?(config: z.output<Schema>, names: { environments: readonly string[] }): { path: string; message: string }[];
  /** May load the driver's adapter and SDK with a dynamic import, so drivers no service uses are never loaded. */
  create(config: z.output<Schema>, ctx: DriverContext<S>): Deployer | Promise<Deployer>;
}

/** Declares a driver, inferring its types from the schema and the sections it requires. */
export function defineDeployDriver<
  Via extends string,
  Schema extends DriverConfigSchema<Via>,
  S extends Section = never,
>(driver: DeployDriver<Via, Schema, S>): DeployDriver<Via, Schema, S> {
  return driver;
}
