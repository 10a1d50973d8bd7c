import type { Octokit } from '@octokit/rest';
import type { Clock } from '../../ports/clock.ts';
import type {
  DeployInput,
  DeployOutcome,
  Deployer,
  Progress,
  RollbackPlan,
  RunningVersion,
  Target,
} from '../../ports/backends.ts';
import { createDeployment, type NewDeployment } from './create-deployment.ts';
import { succeededDeployments, type SucceededDeployment } from './deployment-history.ts';
import { followDeployment } from './follow-deployment.ts';
import { DEFAULT_FOLLOW_TIMEOUT_MS, DEFAULT_POLL_MS } from './poll.ts';
import { parseRepo, type RepoName } from './repo-name.ts';
import { chooseRollback, planVersion, previousVersion } from './rollback-choice.ts';
import { formatMoment, versionLabel } from './version-label.ts';

export interface DeploymentDeployerOptions {
  /** `owner/name`. */
  repo: string;
  /** Commit status contexts that must pass; GitHub requires all of them when omitted, none with `[]`. */
  requiredContexts?: string[] | undefined;
  /** Paces polls and measures the follow timeout. */
  clock: Clock;
  pollMs?: number | undefined;
  /** How long to follow a deployment's statuses before giving up; default 30 min. */
  followTimeoutMs?: number | undefined;
}

/** Deploys by creating a GitHub Deployment that an outside system (Actions, Argo…) acts on and reports to. */
export class GitHubDeploymentDeployer implements Deployer {
  readonly #octokit: Octokit;
  readonly #repo: RepoName;
  readonly #requiredContexts: readonly string[] | undefined;
  readonly #clock: Clock;
  readonly #pollMs: number;
  readonly #followTimeoutMs: number;

  constructor(octokit: Octokit, options: DeploymentDeployerOptions) {
    this.#octokit = octokit;
    this.#repo = parseRepo(options.repo);
    this.#requiredContexts = options.requiredContexts;
    this.#clock = options.clock;
    this.#pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.#followTimeoutMs = options.followTimeoutMs ?? DEFAULT_FOLLOW_TIMEOUT_MS;
  }

  async current(target: Target): Promise<RunningVersion | undefined> {
    for await (const d of succeededDeployments(this.#octokit, this.#repo, target.env)) {
      if (d.latestState !== 'success') continue;
      const deployed = `deployed ${formatMoment(d.succeededAt)} by GitHub deployment #${d.id}`;
      return { ref: d.ref, sha: d.sha, description: `${versionLabel(d.ref, d.sha)}, ${deployed}` };
    }
    return undefined;
  }

  async deploy(input: DeployInput, progress: Progress): Promise<DeployOutcome> {
    const { target, requester, reason } = input;
    const label = versionLabel(input.ref, input.sha);
    return this.#run(
      {
        ref: input.sha ?? input.ref,
        env: target.env,
        label,
        description: `Deploy ${label} to ${target.env} for ${requester}${reason ? `: ${reason}` : ''}`,
        payload: { requester, requestId: input.requestId, ref: input.ref, reason },
        requiredContexts: this.#requiredContexts,
      },
      progress,
    );
  }

  async planRollback(target: Target, to: string | undefined): Promise<RollbackPlan> {
    const succeeded: SucceededDeployment[] = [];
    for await (const d of succeededDeployments(this.#octokit, this.#repo, target.env)) {
      succeeded.push(d);
      if (to !== undefined || previousVersion(succeeded)) break;
    }
    return chooseRollback(this.#octokit, this.#repo, target, succeeded, to);
  }

  async rollback(
    target: Target,
    plan: RollbackPlan,
    meta: { requester: string; requestId: string },
    progress: Progress,
  ): Promise<DeployOutcome> {
    const { ref, sha } = planVersion(plan);
    const label = versionLabel(ref, sha);
    return this.#run(
      {
        ref: sha ?? ref,
        env: target.env,
        label,
        description: `Roll back ${target.service} in ${target.env} to ${label} for ${meta.requester}`,
        // `ref` too, so `current` can name what a rollback deployed.
        payload: { requester: meta.requester, requestId: meta.requestId, rollback: true, ref },
        requiredContexts: this.#requiredContexts,
      },
      progress,
    );
  }

  async #run(spec: NewDeployment, progress: Progress): Promise<DeployOutcome> {
    const created = await createDeployment(this.#octokit, this.#repo, spec);
    if ('refused' in created) return created.refused;
    const { id } = created;
    await progress(`Created GitHub deployment #${id} of ${spec.label} to ${spec.env} in ${this.#repo.fullName}`);
    const timeoutMs = this.#followTimeoutMs;
    const timing = {
      clock: this.#clock,
      pollMs: this.#pollMs,
      timeoutMs,
      deadline: this.#clock.now().getTime() + timeoutMs,
    };
    return followDeployment(this.#octokit, this.#repo, { id, env: spec.env, label: spec.label, timing }, progress);
  }
}
