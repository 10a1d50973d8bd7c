import { HttpError, invalidField } from './errors.ts';
import { latestStatuses } from './commit-checks.ts';
import type { Repository } from './repository.ts';

const STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'] as const;
export type DeploymentState = (typeof STATES)[number];
export const isDeploymentState = (s: string): s is DeploymentState => (STATES as readonly string[]).includes(s);

export interface DeploymentStatusRecord {
  readonly id: number;
  readonly state: DeploymentState;
  readonly description: string;
  readonly environment: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly creator: string;
  readonly createdAt: number;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly repo: string;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: Record<string, unknown> | string;
  readonly originalEnvironment: string;
  environment: string;
  readonly description: string | null;
  readonly creator: string;
  readonly createdAt: number;
  updatedAt: number;
  readonly transient: boolean;
  readonly production: boolean;
  /** Oldest first. */
  readonly statuses: DeploymentStatusRecord[];
}

export interface CreateDeploymentInput {
  readonly ref: string;
  readonly task?: string;
  readonly requiredContexts?: readonly string[];
  readonly payload?: Record<string, unknown> | string;
  readonly environment?: string;
  readonly description?: string;
  readonly transient?: boolean;
  readonly production?: boolean;
}

export interface CreateStatusInput {
  readonly state: DeploymentState;
  readonly description?: string;
  readonly environment?: string;
  readonly logUrl?: string;
  readonly environmentUrl?: string;
  readonly autoInactive?: boolean;
}

export interface DeploymentFilter {
  readonly environment?: string | null;
  readonly ref?: string | null;
  readonly sha?: string | null;
  readonly task?: string | null;
}

const TERMINAL: readonly DeploymentState[] = ['success', 'failure', 'error', 'inactive'];
export const isFinished = (d: DeploymentRecord): boolean => TERMINAL.includes(d.statuses.at(-1)?.state ?? 'pending');

export class DeploymentStore {
  #nextId = 1;
  #nextStatusId = 1;
  readonly #byRepo = new Map<string, DeploymentRecord[]>();

  create(repo: Repository, input: CreateDeploymentInput, creator: string, now: number): DeploymentRecord {
    const commit = repo.resolve(input.ref);
    if (!commit) throw new HttpError(422, `No ref found for: ${input.ref}`);
    this.#checkContexts(repo, commit.sha, input);
    const environment = input.environment ?? 'production';
    const deployment: DeploymentRecord = {
      id: this.#nextId++,
      repo: repo.fullName,
      sha: commit.sha,
      ref: input.ref,
      task: input.task ?? 'deploy',
      payload: input.payload ?? {},
      originalEnvironment: environment,
      environment,
      description: input.description ?? null,
      creator,
      createdAt: now,
      updatedAt: now,
      transient: input.transient ?? false,
      production: input.production ?? environment === 'production',
      statuses: [],
    };
    this.#list(repo).push(deployment);
    return deployment;
  }

  get(repo: Repository, id: number): DeploymentRecord | undefined {
    return this.#list(repo).find((d) => d.id === id);
  }

  /** Newest first, like GitHub. */
  list(repo: Repository, filter: DeploymentFilter = {}): DeploymentRecord[] {
    const matches = (value: string, wanted: string | null | undefined) => wanted == null || value === wanted;
    return this.#list(repo)
      .filter((d) => matches(d.environment, filter.environment) && matches(d.ref, filter.ref))
      .filter((d) => matches(d.sha, filter.sha) && matches(d.task, filter.task))
      .reverse();
  }

  addStatus(repo: Repository, deployment: DeploymentRecord, input: CreateStatusInput, creator: string, now: number) {
    if ((input.description?.length ?? 0) > 140) {
      throw invalidField('DeploymentStatus', 'description', 'description is too long (maximum is 140 characters)');
    }
    if (input.environment !== undefined) deployment.environment = input.environment;
    const status = this.#append(deployment, { ...input, creator }, now);
    if (input.state === 'success' && (input.autoInactive ?? true)) {
      this.#inactivateEarlier(repo, deployment, creator, now);
    }
    return status;
  }

  clear(): void {
    this.#byRepo.clear();
    this.#nextId = 1;
    this.#nextStatusId = 1;
  }

  #append(deployment: DeploymentRecord, input: CreateStatusInput & { creator: string }, now: number) {
    const status: DeploymentStatusRecord = {
      id: this.#nextStatusId++,
      state: input.state,
      description: input.description ?? '',
      environment: deployment.environment,
      logUrl: input.logUrl ?? '',
      environmentUrl: input.environmentUrl ?? '',
      creator: input.creator,
      createdAt: now,
    };
    deployment.statuses.push(status);
    deployment.updatedAt = now;
    return status;
  }

  // GitHub marks earlier deployments of the environment that last succeeded as inactive (`auto_inactive`).
  #inactivateEarlier(repo: Repository, current: DeploymentRecord, creator: string, now: number): void {
    for (const d of this.#list(repo)) {
      if (d.id < current.id && d.environment === current.environment && d.statuses.at(-1)?.state === 'success') {
        this.#append(d, { state: 'inactive', creator }, now);
      }
    }
  }

  #checkContexts(repo: Repository, sha: string, input: CreateDeploymentInput): void {
    const states = new Map<string, string>(latestStatuses(repo, sha).map((s) => [s.context, s.state]));
    const required = input.requiredContexts ?? [...states.keys()];
    const failing = required
      .map((context) => ({ context, state: states.get(context) ?? 'missing' }))
      .filter((c) => c.state !== 'success');
    if (failing.length === 0) return;
    throw new HttpError(409, `Conflict: Commit status checks failed for ${input.ref}.`, {
      errors: [{ contexts: failing, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }],
    });
  }

  #list(repo: Repository): DeploymentRecord[] {
    let list = this.#byRepo.get(repo.fullName);
    if (!list) {
      list = [];
      this.#byRepo.set(repo.fullName, list);
    }
    return list;
  }
}
