import type { Octokit } from '@octokit/rest';
import type { DeployOutcome, Progress } from '../../ports/backends.ts';
import { CLOCK_SLACK_MS, createdSince, type Dispatched } from './dispatch-workflow.ts';
import { attempt } from './github-errors.ts';
import { pollUntil, type PollTiming } from './poll.ts';
import type { RepoName } from './repo-name.ts';
import { formatDuration } from './version-label.ts';

export interface RunToFollow {
  workflow: string | number;
  env: string;
  label: string;
  timing: PollTiming & { timeoutMs: number };
}

/** Finds the run a dispatch started (when GitHub did not say), then polls it until it completes. */
export async function followRun(
  octokit: Octokit,
  repo: RepoName,
  dispatched: Dispatched,
  run: RunToFollow,
  progress: Progress,
): Promise<DeployOutcome> {
  const { workflow, env, label, timing } = run;
  const waited = formatDuration(timing.timeoutMs);
  const runId = dispatched.runId ?? (await findRun(octokit, repo, workflow, dispatched, timing));
  if (runId === undefined) {
    const summary = `Dispatched ${workflow} for ${label} to ${env}, but no run of it appeared within ${waited}.`;
    return { ok: false, summary };
  }
  let lastStatus: string | undefined;
  let url = dispatched.htmlUrl;
  let runNumber: number | undefined;
  const done = await pollUntil(timing, async () => {
    const { data } = await attempt(`reading workflow run ${runId} in ${repo.fullName}`, () =>
      octokit.rest.actions.getWorkflowRun({ owner: repo.owner, repo: repo.repo, run_id: runId }),
    );
    url = data.html_url;
    runNumber = data.run_number;
    if (data.status !== lastStatus) {
      lastStatus = data.status ?? undefined;
      await progress(`${workflow} run #${data.run_number} ${(data.status ?? 'pending').replace('_', ' ')}`);
    }
    return data.status === 'completed' ? data : undefined;
  });
  const named = `${workflow} run #${runNumber ?? runId}`;
  if (!done) {
    const last = lastStatus ?? 'not started';
    return {
      ok: false,
      url,
      summary: `Stopped following ${named} for ${label} to ${env} after ${waited}; it was ${last}.`,
    };
  }
  if (done.conclusion === 'success') return { ok: true, url, summary: `${label} is live in ${env} (${named}).` };
  const conclusion = done.conclusion ?? 'without a conclusion';
  return { ok: false, url, summary: `${named} for ${label} to ${env} concluded ${conclusion}.` };
}

// A run shows up in the list shortly after its dispatch; ours is the oldest one newer than the dispatch.
async function findRun(
  octokit: Octokit,
  repo: RepoName,
  workflow: string | number,
  dispatched: Dispatched,
  timing: PollTiming,
): Promise<number | undefined> {
  return pollUntil(timing, async () => {
    const { data } = await attempt(`looking for the run of workflow ${workflow} in ${repo.fullName}`, () =>
      octokit.rest.actions.listWorkflowRuns({
        owner: repo.owner,
        repo: repo.repo,
        workflow_id: workflow,
        event: 'workflow_dispatch',
        branch: dispatched.gitRef,
        created: createdSince(dispatched.at - CLOCK_SLACK_MS),
        per_page: 100,
      }),
    );
    return data.workflow_runs.filter((r) => !dispatched.earlierRunIds.has(r.id)).at(-1)?.id;
  });
}
