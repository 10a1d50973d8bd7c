import type { Octokit } from '@octokit/rest';
import { backendError } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';

export interface SucceededDeployment {
  id: number;
  /** The ref as the requester typed it (kept in the payload), else the deployment's ref. */
  ref: string;
  sha: string;
  /** Often `inactive`: a later success retires earlier deployments of the environment. */
  latestState: string;
  succeededAt: string;
}

// One page of statuses reaches the success of any real deployment; a bound on deployments keeps a
// long-failing environment from costing hundreds of requests.
const MAX_SCANNED = 100;

const requestedRef = (payload: unknown, fallback: string): string =>
  typeof payload === 'object' && payload !== null && 'ref' in payload && typeof payload.ref === 'string'
    ? payload.ref
    : fallback;

/** Deployments of `env` that reached `success` at some point, newest first. */
export async function* succeededDeployments(
  octokit: Octokit,
  repo: RepoName,
  env: string,
): AsyncGenerator<SucceededDeployment> {
  const { owner, repo: name } = repo;
  let scanned = 0;
  try {
    const pages = octokit.paginate.iterator(octokit.rest.repos.listDeployments, {
      owner,
      repo: name,
      environment: env,
      per_page: 30,
    });
    for await (const { data: deployments } of pages) {
      for (const d of deployments) {
        if (scanned++ >= MAX_SCANNED) return;
        const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
          owner,
          repo: name,
          deployment_id: d.id,
          per_page: 100,
        });
        // Statuses come newest first.
        const success = statuses.find((s) => s.state === 'success');
        if (!success) continue;
        const latestState = statuses[0]?.state ?? 'success';
        yield {
          id: d.id,
          ref: requestedRef(d.payload, d.ref),
          sha: d.sha,
          latestState,
          succeededAt: success.created_at,
        };
      }
    }
  } catch (error) {
    throw backendError(`listing deployments of ${repo.fullName} to ${env}`, error);
  }
}
