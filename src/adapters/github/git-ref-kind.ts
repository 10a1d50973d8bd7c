import type { Octokit } from '@octokit/rest';
import { backendError, httpStatus } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';

/** Whether `name` is a branch or a tag: only those can be dispatched on; a sha cannot. */
export async function isBranchOrTag(octokit: Octokit, repo: RepoName, name: string): Promise<boolean> {
  for (const prefix of ['heads', 'tags']) {
    try {
      await octokit.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: `${prefix}/${name}` });
      return true;
    } catch (error) {
      if (httpStatus(error) !== 404) throw backendError(`looking up \`${name}\` in ${repo.fullName}`, error);
    }
  }
  return false;
}
