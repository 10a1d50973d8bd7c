import { parseCreated } from './created-filter.ts';
import { HttpError } from './errors.ts';
import type { Repository } from './repository.ts';

export interface WorkflowSeed {
  /** `owner/name` of a seeded repository. */
  readonly repo: string;
  readonly id?: number;
  /** File name under `.github/workflows/`, e.g. `deploy.yml`; also accepted in place of the id. */
  readonly file: string;
  readonly name: string;
  /** Declared `workflow_dispatch` inputs; any other input is refused with 422. */
  readonly inputs?: readonly string[];
  /** `run-name`, where `${{ inputs.x }}` is replaced; defaults to the workflow name. */
  readonly runName?: string;
}

export interface WorkflowRecord {
  readonly id: number;
  readonly repo: string;
  readonly file: string;
  readonly path: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly runName: string | undefined;
  readonly createdAt: number;
}

export type RunStatus = 'queued' | 'in_progress' | 'completed';
export type RunConclusion = 'success' | 'failure';

export interface RunRecord {
  readonly id: number;
  readonly repo: string;
  readonly workflowId: number;
  readonly runNumber: number;
  readonly event: 'workflow_dispatch';
  readonly headBranch: string;
  readonly headSha: string;
  readonly displayTitle: string;
  readonly actor: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  status: RunStatus;
  conclusion: RunConclusion | null;
  runStartedAt: number;
  updatedAt: number;
}

export interface RunFilter {
  readonly workflowId?: number;
  readonly event?: string | null;
  readonly branch?: string | null;
  readonly actor?: string | null;
  readonly status?: string | null;
  readonly created?: string | null;
  readonly headSha?: string | null;
}

/** Expands `${{ inputs.x }}` in a `run-name`, the usual way to find a dispatched run by a correlation id. */
const runTitle = (template: string, inputs: Readonly<Record<string, unknown>>): string =>
  template.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => String(inputs[name] ?? ''));

// GitHub refuses workflow files declaring more, so a dispatch can never carry more.
const MAX_INPUTS = 25;

export class WorkflowStore {
  #nextWorkflowId = 1;
  #nextRunId = 1;
  readonly #workflows: WorkflowRecord[] = [];
  readonly #runs: RunRecord[] = [];

  seed(repo: Repository, seed: WorkflowSeed, now: number): WorkflowRecord {
    const id = seed.id ?? this.#nextWorkflowId;
    if (this.#workflows.some((w) => w.id === id || (w.repo === repo.fullName && w.file === seed.file))) {
      throw new Error(`seedWorkflow ${repo.fullName}: workflow ${id} / ${seed.file} already exists`);
    }
    if ((seed.inputs?.length ?? 0) > MAX_INPUTS) {
      throw new Error(`seedWorkflow ${seed.file}: GitHub allows at most ${MAX_INPUTS} workflow_dispatch inputs`);
    }
    this.#nextWorkflowId = Math.max(this.#nextWorkflowId, id + 1);
    const workflow: WorkflowRecord = {
      id,
      repo: repo.fullName,
      file: seed.file,
      path: `.github/workflows/${seed.file}`,
      name: seed.name,
      inputs: seed.inputs ?? [],
      runName: seed.runName,
      createdAt: now,
    };
    this.#workflows.push(workflow);
    return workflow;
  }

  /** By numeric id or file name, like GitHub's `{workflow_id}` path parameter. */
  find(repo: Repository, idOrFile: string): WorkflowRecord | undefined {
    return this.list(repo).find((w) => String(w.id) === idOrFile || w.file === idOrFile);
  }

  list(repo: Repository): WorkflowRecord[] {
    return this.#workflows.filter((w) => w.repo === repo.fullName);
  }

  dispatch(
    repo: Repository,
    workflow: WorkflowRecord,
    request: { ref: string; inputs: Readonly<Record<string, unknown>>; actor: string },
    now: number,
  ): RunRecord {
    const target = repo.named(request.ref);
    if (!target) throw new HttpError(422, `No ref found for: ${request.ref}`);
    const names = Object.keys(request.inputs);
    const unexpected = names.filter((n) => !workflow.inputs.includes(n));
    if (unexpected.length > 0) {
      throw new HttpError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
    }
    const run: RunRecord = {
      id: this.#nextRunId++,
      repo: repo.fullName,
      workflowId: workflow.id,
      runNumber: this.#runs.filter((r) => r.workflowId === workflow.id).length + 1,
      event: 'workflow_dispatch',
      headBranch: target.name,
      headSha: target.sha,
      displayTitle: runTitle(workflow.runName ?? workflow.name, request.inputs),
      actor: request.actor,
      inputs: { ...request.inputs },
      createdAt: now,
      status: 'queued',
      conclusion: null,
      runStartedAt: now,
      updatedAt: now,
    };
    this.#runs.push(run);
    return run;
  }

  run(repo: Repository, id: number): RunRecord | undefined {
    return this.#runs.find((r) => r.repo === repo.fullName && r.id === id);
  }

  /** Newest first. `status` matches a status or a conclusion, as on GitHub. */
  runs(repo: Repository, filter: RunFilter = {}): RunRecord[] {
    const created = filter.created ? parseCreated(filter.created) : () => true;
    const is = (value: string | null, wanted: string | null | undefined) => wanted == null || value === wanted;
    return this.#runs
      .filter((r) => r.repo === repo.fullName)
      .filter((r) => filter.workflowId === undefined || r.workflowId === filter.workflowId)
      .filter((r) => is(r.event, filter.event) && is(r.headBranch, filter.branch) && is(r.actor, filter.actor))
      .filter((r) => is(r.headSha, filter.headSha) && created(r.createdAt))
      .filter((r) => filter.status == null || r.status === filter.status || r.conclusion === filter.status)
      .reverse();
  }

  /** Moves a run one step along queued → in_progress → completed; true once completed. */
  advance(run: RunRecord, now: number, conclusion: RunConclusion): boolean {
    if (run.status === 'completed') return true;
    if (run.status === 'queued') {
      run.status = 'in_progress';
      run.runStartedAt = now;
    } else {
      run.status = 'completed';
      run.conclusion = conclusion;
    }
    run.updatedAt = now;
    return run.status === 'completed';
  }

  clear(): void {
    this.#workflows.length = 0;
    this.#runs.length = 0;
    this.#nextWorkflowId = 1;
    this.#nextRunId = 1;
  }
}
