import type { z } from 'zod';
import type { Backends, DeployOutcome, Progress } from '../../ports/backends.ts';
import type { Logger } from '../../ports/logger.ts';
import type { StoredRequest } from '../../ports/store.ts';
import type { GateDeps, GateReport } from '../gates/deploy-gates.ts';
import type { Text } from '../text.ts';

/** A change a command wants to make, fully resolved (refs to shas, current state read) before anyone approves it. */
export interface ChangePlan<P = unknown> {
  kind: string;
  service: string;
  env: string;
  /** "Deploy api to prod" */
  title: string;
  /** "@alice wants to deploy `v1.4.2` to **prod**" */
  headline: Text;
  /** Fields shown in the request: ref → sha, running now, changes, reason… */
  fields: Text[];
  /** Exactly what runs if it is approved: validated by the kind's schema, sealed in the request hash. */
  params: P;
  /** Warnings shown with the request (e.g. an autoscaler owns the replica count). */
  warnings?: Text[] | undefined;
  /**
   * What runs now, as the plan read it (`ghcr.io/acme/api:v1.1.0`, `3 replicas`). Approving re-reads it:
   * if it changed, the request was planned against something that no longer runs and is superseded.
   */
  basis?: string | undefined;
}

export interface ExecutionContext<P> {
  request: StoredRequest;
  /** The stored parameters, validated again by the kind's schema when loaded. */
  params: P;
  /** Who approved the request, in the order they did. */
  approvers: readonly string[];
  progress: Progress;
  backends: Backends;
  log: Logger;
}

/** One kind of change (deploy, rollback, scale): its parameters, how it runs and how it is kept honest. */
export interface ChangeKind<P = unknown> {
  readonly kind: string;
  readonly params: z.ZodType<P>;
  /**
   * What the change sets; a newer request with the same concern for the same target supersedes older
   * pending ones (a deploy and a rollback both set the running version, a scale the replica count).
   */
  readonly concern: string;
  execute(ctx: ExecutionContext<P>): Promise<DeployOutcome>;
  /** Reads what runs now in the terms of `ChangePlan.basis`, to compare at approval time. */
  readBasis?(ctx: { request: StoredRequest; backends: Backends }): Promise<string>;
  /**
   * Runs the gates the command checked before anyone approved (CI, promotion) again, on the request's stored
   * parameters, as if without `--force`: a check may have turned red while the request waited. Kinds without
   * gates (rollbacks, scaling) leave it out.
   */
  recheckGates?(ctx: { request: StoredRequest; gates: GateDeps }): Promise<GateReport>;
  /** A plan of this kind; its parameters are checked by the schema when the request is stored. */
  plan(plan: Omit<ChangePlan<P>, 'kind'>): ChangePlan<P>;
}

/**
 * Defines a kind of change once: a command plans it with `plan(...)`, the change flow stores, approves and
 * runs it. Adding a kind touches no file in the core: the commands' list of kinds is the only registry.
 */
export function defineChange<P>(definition: Omit<ChangeKind<P>, 'plan'>): ChangeKind<P> {
  return { ...definition, plan: (plan) => ({ ...plan, kind: definition.kind }) };
}
