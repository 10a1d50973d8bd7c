import type { Octokit } from '@octokit/rest';
import { attempt, githubMessage, httpStatus } from '../github/github-errors.ts';
import type { ManifestsRepo } from './manifests-repo.ts';
import type { MergeMethod } from './options.ts';

// A merge commit first: it keeps the branch's commit, message and sha, as they are.
const ORDER: readonly MergeMethod[] = ['merge', 'squash', 'rebase'];
const NAMES: Record<MergeMethod, string> = { merge: 'merge commit', squash: 'squash', rebase: 'rebase' };

/** A merge method GitHub refused outright, and what it said. */
export interface Refused {
  method: MergeMethod;
  said: string;
}

/**
 * The merge methods to try, in order: the one configured, or those the repository's settings allow. GitHub
 * shows the settings only to a token that may push; without them, every method, a merge commit first.
 */
export async function mergeMethodsToTry(
  octokit: Octokit,
  repo: ManifestsRepo,
  configured: MergeMethod | undefined,
): Promise<MergeMethod[]> {
  if (configured) return [configured];
  const { owner, repo: name, fullName } = repo.name;
  const { data } = await attempt(`reading the settings of ${fullName}`, () =>
    octokit.rest.repos.get({ owner, repo: name }),
  );
  const allows = { merge: data.allow_merge_commit, squash: data.allow_squash_merge, rebase: data.allow_rebase_merge };
  return ORDER.filter((method) => allows[method] !== false);
}

/**
 * GitHub's message when it refuses a merge method for this pull request whatever happens next: the method is
 * turned off in the repository's settings or a ruleset ("Squash merges are not allowed on this repository."),
 * or the base branch requires a linear history ("This branch must not contain merge commits."). Any other 405
 * is a merge not allowed yet (checks, reviews), which waiting can change.
 */
export function refusal(error: unknown): string | undefined {
  if (httpStatus(error) !== 405) return undefined;
  const said = githubMessage(error);
  return /not allowed on this repository|must not contain merge commits/i.test(said) ? said : undefined;
}

export function refusedText(
  where: { repo: string; branch: string; service: string },
  refused: readonly Refused[],
  configured: boolean,
): string {
  const setting = `services.${where.service}.deploy.mergeMethod`;
  const said = refused.map((r) => `${NAMES[r.method]}: "${r.said}"`).join('; ');
  if (configured) {
    return (
      `${where.repo} refused the merge method ${setting} sets (${said}): set one the repository allows for ` +
      `${where.branch}, or leave it out to try those its settings allow`
    );
  }
  return (
    `${where.repo} refused every merge method its settings allow (${said}): allow one for ${where.branch} in ` +
    `the repository's settings, branch protection or rulesets, or set ${setting}`
  );
}

/** What the thread is told when a refused method gives way to the next. */
export const fallbackText = (repo: string, refused: Refused, next: MergeMethod): string =>
  `${repo} refused a ${NAMES[refused.method]} ("${refused.said}"): merging by ${NAMES[next]} instead`;
