import type { Octokit } from '@octokit/rest';
import type { CheckState, CommitCheck, CommitChecks } from '../../ports/commit-checks.ts';
import { attempt } from './github-errors.ts';
import { parseRepo } from './repo-name.ts';

// Branch protection counts neutral and skipped runs as passing; everything else that completed did not pass.
const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

function statusState(state: string): CheckState {
  if (state === 'success') return 'passed';
  return state === 'pending' ? 'pending' : 'failed';
}

function runState(status: string, conclusion: string | null): CheckState {
  if (status !== 'completed') return 'pending';
  return conclusion !== null && PASSING_CONCLUSIONS.has(conclusion) ? 'passed' : 'failed';
}

/** Combined commit status and check runs (`GET …/commits/{ref}/status` and `…/check-runs`), every page. */
export class GitHubCommitChecks implements CommitChecks {
  readonly #octokit: Octokit;

  constructor(octokit: Octokit) {
    this.#octokit = octokit;
  }

  async read(repo: string, sha: string): Promise<CommitCheck[]> {
    const { owner, repo: name } = parseRepo(repo);
    const ref = { owner, repo: name, ref: sha, per_page: 100 };
    const [statuses, runs] = await Promise.all([
      attempt(`reading the commit statuses of ${sha.slice(0, 7)} in ${repo}`, () => this.#statuses(ref)),
      attempt(`reading the check runs of ${sha.slice(0, 7)} in ${repo}`, () =>
        this.#octokit.paginate(this.#octokit.rest.checks.listForRef, { ...ref, filter: 'latest' }),
      ),
    ]);
    return [
      ...statuses.map((s) => ({
        name: s.context,
        state: statusState(s.state),
        url: s.target_url ?? undefined,
        detail: s.description ?? (s.state === 'success' ? undefined : s.state),
      })),
      ...runs.map((r) => ({
        name: r.name,
        state: runState(r.status, r.conclusion),
        url: r.details_url ?? r.html_url ?? undefined,
        detail: r.status === 'completed' ? (r.conclusion ?? undefined) : r.status.replace('_', ' '),
      })),
    ];
  }

  // The combined status is an object with a `url`, which Octokit's paginate does not unwrap: pages by hand.
  async #statuses(ref: { owner: string; repo: string; ref: string; per_page: number }) {
    const all = [];
    for (let page = 1; ; page++) {
      const { data } = await this.#octokit.rest.repos.getCombinedStatusForRef({ ...ref, page });
      all.push(...data.statuses);
      if (data.statuses.length < ref.per_page) return all;
    }
  }
}
