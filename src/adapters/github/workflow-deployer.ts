import type { Octokit } from '@octokit/rest';
import type { Clock } from '../../ports/clock.ts';
import type {
  DeployHistory,
  DeployInput,
  DeployOutcome,
  Deployer,
  Progress,
  RollbackPlan,
  RunningVersion,
  Target,
} from '../../ports/backends.ts';
import { WorkflowDispatcher } from './dispatch-workflow.ts';
import { followRun } from './follow-run.ts';
import { isBranchOrTag } from './git-ref-kind.ts';
import { DEFAULT_FOLLOW_TIMEOUT_MS, DEFAULT_POLL_MS } from './poll.ts';
import { parseRepo, type RepoName } from './repo-name.ts';
import { chooseRollback, planVersion, type Version } from './rollback-choice.ts';
import { formatMoment, versionLabel } from './version-label.ts';
import { type RunVersion, succeededRuns } from './workflow-history.ts';

export interface WorkflowDeployerOptions {
  /** `owner/name`. */
  repo: string;
  /** File name (`deploy.yml`) or numeric id of a workflow with `ref` and `environment` dispatch inputs. */
  workflow: string | number;
  /** Where the workflow file is taken from when the requested ref is a commit rather than a branch or tag. */
  defaultRef: string;
  /**
   * What opsdeck deployed: names the commits runs deployed by the refs people asked for, and is the record
   * itself for workflows whose runs do not say what they deployed (no `run-name`).
   */
  history: DeployHistory;
  /** Paces polls, measures the follow timeout and dates the search for a dispatched run. */
  clock: Clock;
  pollMs?: number | undefined;
  /** How long to follow a run (finding it included) before giving up; default 30 min. */
  followTimeoutMs?: number | undefined;
}

// Enough to skip past a few redeploys of the current version.
const ROLLBACK_DEPTH = 10;

/** Deploys by dispatching a GitHub Actions workflow with `ref` and `environment` inputs and following the run. */
export class GitHubWorkflowDeployer implements Deployer {
  readonly #octokit: Octokit;
  readonly #repo: RepoName;
  readonly #options: WorkflowDeployerOptions;
  readonly #dispatcher: WorkflowDispatcher;

  constructor(octokit: Octokit, options: WorkflowDeployerOptions) {
    this.#octokit = octokit;
    this.#repo = parseRepo(options.repo);
    this.#options = options;
    this.#dispatcher = new WorkflowDispatcher(octokit, this.#repo, options.workflow, options.clock);
  }

  /** The version of the last successful run to `target.env`, named as it was asked for when opsdeck ran it. */
  async current(target: Target): Promise<RunningVersion | undefined> {
    const [last] = await this.#versions(target);
    if (!last) return undefined;
    const label = versionLabel(last.ref, last.sha);
    const description =
      'runNumber' in last
        ? `${label}, deployed ${formatMoment(last.at)} by ${this.#options.workflow} run #${last.runNumber}`
        : `${label} via ${this.#options.workflow}`;
    return { ref: last.ref, sha: last.sha, description };
  }

  async deploy(input: DeployInput, progress: Progress): Promise<DeployOutcome> {
    const { target } = input;
    const { workflow, defaultRef } = this.#options;
    const gitRef = (await isBranchOrTag(this.#octokit, this.#repo, input.ref)) ? input.ref : defaultRef;
    const label = versionLabel(input.ref, input.sha);
    const dispatched = await this.#dispatcher.dispatch(gitRef, {
      ref: input.sha ?? input.ref,
      environment: target.env,
    });
    await progress(`Dispatched ${workflow} on ${gitRef} in ${this.#repo.fullName} to deploy ${label} to ${target.env}`);
    const timeoutMs = this.#options.followTimeoutMs ?? DEFAULT_FOLLOW_TIMEOUT_MS;
    const { clock } = this.#options;
    const timing = {
      clock,
      pollMs: this.#options.pollMs ?? DEFAULT_POLL_MS,
      timeoutMs,
      deadline: clock.now().getTime() + timeoutMs,
    };
    return followRun(this.#octokit, this.#repo, dispatched, { workflow, env: target.env, label, timing }, progress);
  }

  async planRollback(target: Target, to: string | undefined): Promise<RollbackPlan> {
    return chooseRollback(this.#octokit, this.#repo, target, await this.#versions(target), to);
  }

  /**
   * Versions that reached `target.env`, newest first: from the workflow's successful runs when they say what
   * they deployed (run-name) and some went there, else from opsdeck's own history.
   */
  async #versions(target: Target): Promise<(RunVersion | Version)[]> {
    const [{ named, runs }, history] = await Promise.all([
      succeededRuns(this.#octokit, this.#repo, this.#options.workflow, target.env),
      this.#options.history.succeededDeploys(target, ROLLBACK_DEPTH),
    ]);
    // Runs older than the run-name (or than one page of runs) are known only to opsdeck's record.
    if (!named || runs.length === 0) return history;
    // opsdeck dispatches the resolved sha; the ref it was asked for is in its own record of the change.
    const asked = new Map(history.flatMap((h) => (h.sha ? [[h.sha, h.ref] as const] : [])));
    return runs.map((run) => (run.sha && run.ref === run.sha ? { ...run, ref: asked.get(run.sha) ?? run.ref } : run));
  }

  async rollback(
    target: Target,
    plan: RollbackPlan,
    meta: { requester: string; requestId: string },
    progress: Progress,
  ): Promise<DeployOutcome> {
    const { ref, sha } = planVersion(plan);
    const reason = `rollback from ${plan.from}`;
    return this.deploy({ target, ref, sha, ...meta, reason, autoRollback: false }, progress);
  }
}
