import type { DeploymentState, DeploymentStore } from './deployments.ts';
import { HttpError } from './errors.ts';
import type { Repository } from './repository.ts';
import type { RunConclusion, WorkflowStore } from './workflows.ts';

/** A deployment that already finished, as a deploy system left it: queued, in progress, then `state`. */
export interface DeploymentHistorySeed {
  readonly repo: string;
  /** Branch, tag or sha the deployment was made of. */
  readonly ref: string;
  readonly environment: string;
  readonly state?: Extract<DeploymentState, 'success' | 'failure' | 'error'>;
  readonly payload?: Record<string, unknown>;
  readonly creator?: string;
  /** How long ago it was made; default now. Seed oldest first with decreasing ages. */
  readonly ageMs?: number;
}

/** A workflow run that already completed, dispatched on `ref` with `inputs`. */
export interface RunHistorySeed {
  readonly repo: string;
  /** File name or id of a seeded workflow. */
  readonly workflow: string | number;
  /** The branch or tag the workflow file was taken from. */
  readonly ref: string;
  readonly inputs: Readonly<Record<string, string>>;
  readonly conclusion?: RunConclusion;
  readonly actor?: string;
  readonly ageMs?: number;
}

export function seedDeploymentHistory(
  deployments: DeploymentStore,
  repo: Repository,
  seed: DeploymentHistorySeed,
  now: number,
): number {
  const at = now - (seed.ageMs ?? 0);
  const creator = seed.creator ?? 'octocat';
  const d = deployments.create(
    repo,
    { ref: seed.ref, environment: seed.environment, requiredContexts: [], payload: seed.payload ?? {} },
    creator,
    at,
  );
  deployments.addStatus(repo, d, { state: 'in_progress', description: 'Deploying' }, 'github-actions[bot]', at);
  const state = seed.state ?? 'success';
  const description = state === 'success' ? 'Deployment finished' : 'Deployment failed';
  deployments.addStatus(repo, d, { state, description }, 'github-actions[bot]', at);
  return d.id;
}

export function seedRunHistory(workflows: WorkflowStore, repo: Repository, seed: RunHistorySeed, now: number): number {
  const workflow = workflows.find(repo, String(seed.workflow));
  if (!workflow) throw new HttpError(404, `seedRun: ${repo.fullName} has no workflow ${seed.workflow}`);
  const at = now - (seed.ageMs ?? 0);
  const run = workflows.dispatch(
    repo,
    workflow,
    { ref: seed.ref, inputs: seed.inputs, actor: seed.actor ?? 'octocat' },
    at,
  );
  workflows.advance(run, at, seed.conclusion ?? 'success');
  workflows.advance(run, at, seed.conclusion ?? 'success');
  return run.id;
}
