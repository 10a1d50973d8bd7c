import type { CheckRunRecord, CommitChecks } from './commit-checks.ts';
import { isFinished, type DeploymentRecord, type DeploymentState, type DeploymentStore } from './deployments.ts';
import { repoWeb, type Links } from './links.ts';
import type { Repository } from './repository.ts';
import type { RunRecord, WorkflowStore } from './workflows.ts';

export interface SimulatorOptions {
  readonly stepMs: number;
  readonly autoProgress: boolean;
  readonly links: Links;
  readonly deployments: DeploymentStore;
  readonly workflows: WorkflowStore;
  readonly checks: CommitChecks;
  readonly now: () => number;
}

/** Returns true when there is nothing left to do. */
type Advance = () => boolean;

const DEPLOY_SYSTEM = 'github-actions[bot]';

/**
 * Plays the outside systems: a deploy system writing statuses on new deployments and the Actions runner
 * moving dispatched runs along. Everything moves one step per `stepMs` (when automatic) or per `step()`.
 */
export class Simulator {
  readonly #options: SimulatorOptions;
  readonly #tasks = new Map<Advance, NodeJS.Timeout | undefined>();
  readonly #failNext = new Set<string>();
  /** Check names CI runs on the head of every open pull request, per repository. */
  readonly #pullRequestChecks = new Map<string, readonly string[]>();

  constructor(options: SimulatorOptions) {
    this.#options = options;
  }

  failNextDeployment(repo: string): void {
    this.#failNext.add(`deployment:${repo}`);
  }

  failNextRun(repo: string, workflowId: number): void {
    this.#failNext.add(`run:${repo}#${workflowId}`);
  }

  deploymentCreated(repo: Repository, deployment: DeploymentRecord): void {
    const fails = this.#failNext.delete(`deployment:${repo.fullName}`);
    const logUrl = `${repoWeb(this.#options.links, repo)}/deployments/${deployment.id}/log`;
    const script: Array<{ state: DeploymentState; description: string }> = [
      { state: 'queued', description: 'Waiting for a runner' },
      { state: 'in_progress', description: `Deploying ${deployment.sha.slice(0, 7)}` },
      fails
        ? { state: 'failure', description: 'Deployment failed: health checks did not pass' }
        : { state: 'success', description: 'Deployment finished' },
    ];
    this.#track(() => {
      // A status written by someone else that ends the deployment ends the simulation too.
      const next = isFinished(deployment) ? undefined : script.shift();
      if (!next) return true;
      this.#options.deployments.addStatus(repo, deployment, { ...next, logUrl }, DEPLOY_SYSTEM, this.#options.now());
      return script.length === 0;
    });
  }

  runDispatched(run: RunRecord): void {
    const conclusion = this.#failNext.delete(`run:${run.repo}#${run.workflowId}`) ? 'failure' : 'success';
    this.#track(() => this.#options.workflows.advance(run, this.#options.now(), conclusion));
  }

  runChecksOnPullRequests(repo: string, names: readonly string[]): void {
    this.#pullRequestChecks.set(repo, names);
  }

  failNextChecks(repo: string): void {
    this.#failNext.add(`checks:${repo}`);
  }

  /** A pull request's head is new (opened, or its branch moved while open): CI checks it. */
  pullRequestHead(repo: Repository, sha: string): void {
    const names = this.#pullRequestChecks.get(repo.fullName) ?? [];
    if (names.length === 0) return;
    const fails = this.#failNext.delete(`checks:${repo.fullName}`);
    const { checks, now } = this.#options;
    const runs = names.map((name) => checks.addCheckRun(repo, sha, { name }, now()));
    let step = 0;
    this.#track(() => {
      step += 1;
      for (const [i, run] of runs.entries()) finishStep(run, step, fails && i === 0, now());
      return step >= 2;
    });
  }

  /** A branch moved: CI checks the new head when an open pull request comes from it. */
  branchMoved(repo: Repository, branch: string, sha: string): void {
    if (repo.pulls.some((p) => p.state === 'open' && p.headRef === branch)) this.pullRequestHead(repo, sha);
  }

  /** Moves everything in flight one step, whether or not progress is automatic. */
  step(): void {
    for (const advance of [...this.#tasks.keys()]) this.#run(advance);
  }

  clear(): void {
    for (const timer of this.#tasks.values()) clearInterval(timer);
    this.#tasks.clear();
    this.#failNext.clear();
    this.#pullRequestChecks.clear();
  }

  #track(advance: Advance): void {
    const timer = this.#options.autoProgress
      ? setInterval(() => this.#run(advance), this.#options.stepMs).unref()
      : undefined;
    this.#tasks.set(advance, timer);
  }

  #run(advance: Advance): void {
    if (!advance()) return;
    clearInterval(this.#tasks.get(advance));
    this.#tasks.delete(advance);
  }
}

/** A CI check run's life: queued → in_progress → completed. */
function finishStep(run: CheckRunRecord, step: number, fails: boolean, now: number): void {
  if (step === 1) {
    run.status = 'in_progress';
    return;
  }
  run.status = 'completed';
  run.conclusion = fails ? 'failure' : 'success';
  run.summary = fails ? `${run.name} found problems in the manifests` : `${run.name} passed`;
  run.completedAt = now;
}
