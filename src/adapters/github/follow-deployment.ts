import type { Octokit } from '@octokit/rest';
import type { DeployOutcome, Progress } from '../../ports/backends.ts';
import { attempt } from './github-errors.ts';
import { pollUntil, type PollTiming } from './poll.ts';
import type { RepoName } from './repo-name.ts';
import { formatDuration } from './version-label.ts';

export interface DeploymentToFollow {
  id: number;
  env: string;
  label: string;
  timing: PollTiming & { timeoutMs: number };
}

// `inactive` before `success` means someone or something retired the deployment: it will not finish.
const FINAL = new Set(['success', 'failure', 'error', 'inactive']);

const sentence = (text: string): string => text.replace(/[.\s]+$/, '');

/** Polls the deployment's statuses, reporting each new state, until one is final or time runs out. */
export async function followDeployment(
  octokit: Octokit,
  repo: RepoName,
  deployment: DeploymentToFollow,
  progress: Progress,
): Promise<DeployOutcome> {
  const { id, env, label, timing } = deployment;
  const seen = new Set<number>();
  let lastState: string | undefined;
  let url: string | undefined;
  const final = await pollUntil(timing, async () => {
    const { data } = await attempt(`reading the statuses of deployment #${id} in ${repo.fullName}`, () =>
      octokit.rest.repos.listDeploymentStatuses({
        owner: repo.owner,
        repo: repo.repo,
        deployment_id: id,
        per_page: 100,
      }),
    );
    // Newest first on the wire; report in the order they happened.
    for (const status of data.toReversed()) {
      if (seen.has(status.id)) continue;
      seen.add(status.id);
      url = status.log_url || status.target_url || url;
      if (status.state !== lastState) {
        lastState = status.state;
        const description = status.description ? `: ${sentence(status.description)}` : '';
        await progress(`GitHub deployment #${id} ${status.state.replace('_', ' ')}${description}`);
      }
      if (FINAL.has(status.state)) return status;
    }
    return undefined;
  });
  const deployed = `GitHub deployment #${id} of ${label} to ${env}`;
  if (!final) {
    const waited = formatDuration(timing.timeoutMs);
    const last = lastState ?? 'no status yet';
    return { ok: false, url, summary: `Stopped following ${deployed} after ${waited}; its last state was ${last}.` };
  }
  if (final.state === 'success')
    return { ok: true, url, summary: `${label} is live in ${env} (GitHub deployment #${id}).` };
  if (final.state === 'inactive')
    return { ok: false, url, summary: `${deployed} was marked inactive before it succeeded.` };
  const why = final.description ? `: ${sentence(final.description)}` : '';
  return { ok: false, url, summary: `${deployed} ended in ${final.state}${why}.` };
}
