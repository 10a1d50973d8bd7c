import type { Octokit } from '@octokit/rest';
import { attempt } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';
import type { Version } from './rollback-choice.ts';

/** A successful run of the deploy workflow, as the version it deployed. */
export interface RunVersion extends Version {
  runNumber: number;
  url: string;
  /** When the run finished. */
  at: string;
}

/**
 * The `run-name` a deploy workflow sets so its runs say what they deployed where:
 * `run-name: Deploy ${{ inputs.ref }} to ${{ inputs.environment }}`. GitHub's API does not return a run's
 * inputs, so the title is the only record of them a run keeps.
 */
const RUN_NAME = /^Deploy (\S+) to (\S+)$/;
const FULL_SHA = /^[0-9a-f]{40}$/i;

// Successful runs are few next to pushes and failures; one page reaches back far enough to roll back.
const PER_PAGE = 100;

/**
 * Successful dispatched runs of `workflow` that deployed to `env`, newest first. `named` is false when none of
 * the successful runs carries the run-name above, so the caller knows the workflow keeps no such record.
 */
export async function succeededRuns(
  octokit: Octokit,
  repo: RepoName,
  workflow: string | number,
  env: string,
): Promise<{ named: boolean; runs: RunVersion[] }> {
  const { data } = await attempt(`listing runs of workflow ${workflow} in ${repo.fullName}`, () =>
    octokit.rest.actions.listWorkflowRuns({
      owner: repo.owner,
      repo: repo.repo,
      workflow_id: workflow,
      event: 'workflow_dispatch',
      status: 'success',
      per_page: PER_PAGE,
    }),
  );
  let named = false;
  const runs: RunVersion[] = [];
  for (const run of data.workflow_runs) {
    const match = RUN_NAME.exec(run.display_title ?? '');
    if (!match) continue;
    named = true;
    const [, ref = '', deployedTo] = match;
    if (deployedTo !== env) continue;
    // Dispatched with a sha, the run names its commit; with a branch or tag, that ref was its head.
    const sha = FULL_SHA.test(ref) ? ref.toLowerCase() : run.head_branch === ref ? run.head_sha : undefined;
    runs.push({ ref, sha, runNumber: run.run_number, url: run.html_url, at: run.updated_at });
  }
  return { named, runs };
}
