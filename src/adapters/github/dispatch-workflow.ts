import type { Octokit } from '@octokit/rest';
import type { Clock } from '../../ports/clock.ts';
import { UserError } from '../../core/errors.ts';
import { backendError, githubMessage, httpStatus } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';

/** What is known once a dispatch is accepted; without `runId` the run has to be found in the list. */
export interface Dispatched {
  /** The branch or tag the workflow file was taken from. */
  gitRef: string;
  at: number;
  runId?: number | undefined;
  htmlUrl?: string | undefined;
  /** Runs that existed just before, so the search cannot mistake one of them for ours. */
  earlierRunIds: ReadonlySet<number>;
}

/** GitHub's `created` qualifier for runs created at or after `ms` (whole seconds). */
export const createdSince = (ms: number): string => `>=${new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')}`;

// Clock skew between us and GitHub: a run may look a little older than the dispatch that started it.
export const CLOCK_SLACK_MS = 5_000;

const runDetailsOf = (data: unknown): { workflow_run_id: number; html_url: string } | undefined =>
  typeof data === 'object' && data !== null && 'workflow_run_id' in data && typeof data.workflow_run_id === 'number'
    ? { workflow_run_id: data.workflow_run_id, html_url: 'html_url' in data ? String(data.html_url) : '' }
    : undefined;

// Older GitHub Enterprise Servers predate `return_run_details` and answer 400/422 naming the flag.
const rejectsRunDetails = (error: unknown): boolean => {
  const status = httpStatus(error);
  return (status === 400 || status === 422) && /return_run_details/.test(error instanceof Error ? error.message : '');
};

/**
 * Dispatches one workflow, asking for the run it starts (GitHub since 2026-02). A server that refuses
 * the flag is remembered, so later dispatches go straight to a plain dispatch and a search for the run.
 */
export class WorkflowDispatcher {
  readonly #octokit: Octokit;
  readonly #repo: RepoName;
  readonly #workflow: string | number;
  readonly #clock: Clock;
  #runDetails = true;

  constructor(octokit: Octokit, repo: RepoName, workflow: string | number, clock: Clock) {
    this.#octokit = octokit;
    this.#repo = repo;
    this.#workflow = workflow;
    this.#clock = clock;
  }

  async dispatch(gitRef: string, inputs: Record<string, string>): Promise<Dispatched> {
    try {
      if (this.#runDetails) {
        try {
          const { at, data } = await this.#send(gitRef, inputs, true);
          if (data)
            return { gitRef, at, runId: data.workflow_run_id, htmlUrl: data.html_url, earlierRunIds: new Set() };
          // Accepted but ignored: the run exists and must be searched for, with no snapshot of earlier runs
          // to rule out, so the oldest recent one is taken.
          this.#runDetails = false;
          return { gitRef, at, earlierRunIds: new Set() };
        } catch (error) {
          if (!rejectsRunDetails(error)) throw error;
          this.#runDetails = false;
        }
      }
      const earlierRunIds = await this.#recentRunIds(gitRef);
      const { at } = await this.#send(gitRef, inputs, false);
      return { gitRef, at, earlierRunIds };
    } catch (error) {
      if (httpStatus(error) === 422) {
        const said = githubMessage(error);
        throw new UserError(`Workflow ${this.#workflow} in ${this.#repo.fullName} refused the dispatch: ${said}`);
      }
      throw backendError(`dispatching workflow ${this.#workflow} in ${this.#repo.fullName}`, error);
    }
  }

  async #send(gitRef: string, inputs: Record<string, string>, withRunDetails: boolean) {
    const at = this.#clock.now().getTime();
    // Octokit's types predate `return_run_details` and only know the 204 answer.
    const response: { status: number; data: unknown } = await this.#octokit.rest.actions.createWorkflowDispatch({
      owner: this.#repo.owner,
      repo: this.#repo.repo,
      workflow_id: this.#workflow,
      ref: gitRef,
      inputs,
      ...(withRunDetails ? { return_run_details: true } : {}),
    });
    return { at, data: response.status === 200 ? runDetailsOf(response.data) : undefined };
  }

  async #recentRunIds(gitRef: string): Promise<Set<number>> {
    const { data } = await this.#octokit.rest.actions.listWorkflowRuns({
      owner: this.#repo.owner,
      repo: this.#repo.repo,
      workflow_id: this.#workflow,
      event: 'workflow_dispatch',
      branch: gitRef,
      created: createdSince(this.#clock.now().getTime() - CLOCK_SLACK_MS),
      per_page: 100,
    });
    return new Set(data.workflow_runs.map((run) => run.id));
  }
}
