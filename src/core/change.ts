import { createHash } from 'node:crypto';
import type { Backends, DeployOutcome, Progress } from '../ports/backends.ts';
import type { Logger } from '../ports/logger.ts';
import type { StoredRequest } from '../ports/store.ts';
import { canonicalJson } from './canonical-json.ts';

/** Live log tails share the request table (ownership, heartbeat, recovery) but are not changes. */
export const TAIL_KIND = 'tail';

/** A change a command wants to make, fully resolved (refs to shas, current state read) before anyone approves it. */
export interface ChangePlan {
  kind: 'deploy' | 'rollback' | 'scale';
  service: string;
  env: string;
  /** "Deploy api to prod" */
  title: string;
  /** "<@U1> wants to deploy `v1.4.2` to *prod*" */
  headline: string;
  /** mrkdwn fields shown in the request: ref → sha, running now, changes, reason… */
  fields: string[];
  /** Exactly what an approval approves; hashed and re-checked at click time. */
  binding: Record<string, unknown>;
  /** What the executor needs to carry it out. */
  exec: Record<string, unknown>;
  /** Warnings shown with the request (e.g. an autoscaler owns the replica count). */
  warnings?: string[];
  /**
   * What runs now, as the plan read it (`ghcr.io/acme/api:v1.1.0`, `3 replicas`). Approving re-reads it:
   * if it changed, the request was planned against something that no longer runs and is superseded.
   */
  basis?: string;
}

/** What a stored request carries in `params`, so any replica can render and run it after a restart. */
export interface RequestParams {
  title: string;
  headline: string;
  fields: string[];
  binding: Record<string, unknown>;
  exec: Record<string, unknown>;
  warnings: string[];
  /** What `--force` passed (a lock, a freeze), when break-glass was used. */
  forced?: string | undefined;
  /** Set on requests that skip approval because the environment needs none. */
  direct?: boolean | undefined;
  basis?: string | undefined;
}

export interface ExecutionContext {
  request: StoredRequest;
  exec: Record<string, unknown>;
  progress: Progress;
  backends: Backends;
  log: Logger;
}

export type Executor = (ctx: ExecutionContext) => Promise<DeployOutcome>;

/** How one kind of change (deploy, rollback, scale) is carried out and kept honest. */
export interface ChangeKind {
  execute: Executor;
  /**
   * What the change sets; a newer request with the same concern for the same target supersedes older
   * pending ones (a deploy and a rollback both set the running version, a scale the replica count).
   */
  concern: string;
  /** Reads what runs now in the terms of `ChangePlan.basis`, to compare at approval time. */
  readBasis?(ctx: { request: StoredRequest; backends: Backends }): Promise<string>;
}

/** What an approval approves: the binding, what the executor will be given, and break-glass state. */
export function requestHash(
  kind: string,
  service: string,
  env: string,
  p: Pick<RequestParams, 'binding' | 'exec' | 'forced' | 'direct' | 'basis'>,
): string {
  const sealed = {
    kind,
    service,
    env,
    binding: p.binding,
    exec: p.exec,
    forced: p.forced ?? null,
    direct: p.direct ?? false,
    // Only when present, so requests stored before plans carried a basis keep their hash.
    ...(p.basis !== undefined ? { basis: p.basis } : {}),
  };
  return createHash('sha256').update(canonicalJson(sealed)).digest('hex');
}

export function paramsOf(request: StoredRequest): RequestParams {
  return request.params as unknown as RequestParams;
}
