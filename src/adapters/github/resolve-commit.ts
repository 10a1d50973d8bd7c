import type { Octokit } from '@octokit/rest';
import { UserError } from '../../core/errors.ts';
import { backendError, httpStatus } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';

/** A tag, branch or (short) sha to its commit; GitHub answers 422 or 404 for names it does not know. */
export async function resolveCommit(
  octokit: Octokit,
  repo: RepoName,
  ref: string,
): Promise<{ sha: string; url: string }> {
  const unknown = () =>
    new UserError(`Unknown ref \`${ref}\` in ${repo.fullName}: no branch, tag or commit has that name.`);
  // An empty ref would turn the request into "list commits".
  if (ref.trim() === '') throw unknown();
  try {
    // per_page bounds the file list GitHub attaches to the commit, which we do not need.
    const { data } = await octokit.rest.repos.getCommit({ owner: repo.owner, repo: repo.repo, ref, per_page: 1 });
    return { sha: data.sha, url: data.html_url };
  } catch (error) {
    const status = httpStatus(error);
    if (status === 404 || status === 422) throw unknown();
    throw backendError(`resolving \`${ref}\` in ${repo.fullName}`, error);
  }
}
