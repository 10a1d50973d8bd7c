import type { Octokit } from '@octokit/rest';
import { backendError, httpStatus } from './github-errors.ts';
import type { RepoName } from './repo-name.ts';

/** Whether `name` is a branch or a tag: only those can be dispatched on; a sha cannot. */
export async function isBranchOrTag(octokit: Octokit, repo: RepoName, name: string): Promise<boolean> {
  return (await refKind(octokit, repo, name)) !== 'commit';
}

/** Branch, tag, or neither (then it can only be a commit sha). */
export async function refKind(octokit: Octokit, repo: RepoName, name: string): Promise<'branch' | 'tag' | 'commit'> {
  for (const [prefix, kind] of [
    ['heads', 'branch'],
    ['tags', 'tag'],
  ] as const) {
    try {
      await octokit.rest.git.getRef({ owner: repo.owner, repo: repo.repo, ref: `${prefix}/${name}` });
      return kind;
    } catch (error) {
      if (httpStatus(error) !== 404) throw backendError(`looking up \`${name}\` in ${repo.fullName}`, error);
    }
  }
  return 'commit';
}
