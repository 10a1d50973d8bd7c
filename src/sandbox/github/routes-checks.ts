import { Body } from './body.ts';
import { checkRunJson, checkRunsOf, combinedStatusJson, type CommitChecks, statusJson } from './commit-checks.ts';
import { HttpError, invalidField } from './errors.ts';
import { paginate } from './pagination.ts';
import type { CommitState, Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';
import type { Route } from './router.ts';

const BASE = '/repos/:owner/:repo';
const STATES: readonly string[] = ['error', 'failure', 'pending', 'success'];
const RUN_STATUSES: readonly string[] = ['queued', 'in_progress', 'completed'];

function commitOf(repo: Repository, ref: string): string {
  const commit = repo.resolve(ref);
  if (!commit) throw new HttpError(422, `No commit found for SHA: ${ref}`);
  return commit.sha;
}

/** Commit statuses (combined, and created by clients) and check runs, as branch protection and CI report them. */
export function checkRoutes(state: RouteState, checks: CommitChecks): Route[] {
  const { links } = state;
  return [
    {
      method: 'GET',
      pattern: `${BASE}/commits/*ref/status`,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const body = combinedStatusJson(links, repo, commitOf(repo, params.ref ?? ''));
        const page = paginate(body.statuses as unknown[], url);
        return { status: 200, body: { ...body, statuses: page.items }, headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/commits/*ref/check-runs`,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const q = url.searchParams;
        const filter = q.get('filter') ?? 'latest';
        if (filter !== 'latest' && filter !== 'all')
          throw invalidField('CheckRun', 'filter', `Invalid filter ${filter}`);
        const status = q.get('status');
        if (status !== null && !RUN_STATUSES.includes(status)) {
          throw invalidField('CheckRun', 'status', `Invalid status ${status}`);
        }
        const runs = checkRunsOf(repo, commitOf(repo, params.ref ?? ''), filter === 'latest').filter(
          (r) =>
            (q.get('check_name') === null || r.name === q.get('check_name')) &&
            (status === null || r.status === status),
        );
        const page = paginate(runs, url);
        const body = { total_count: runs.length, check_runs: page.items.map((r) => checkRunJson(links, repo, r)) };
        return { status: 200, body, headers: page.headers };
      },
    },
    {
      method: 'POST',
      pattern: `${BASE}/statuses/:sha`,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const body = new Body(raw, 'Status');
        const stateName = body.requiredString('state');
        if (!STATES.includes(stateName)) throw invalidField('Status', 'state', `Invalid state ${stateName}`);
        const sha = commitOf(repo, params.sha ?? '');
        const input = {
          state: stateName as CommitState,
          context: body.string('context'),
          description: body.string('description'),
          targetUrl: body.string('target_url'),
        };
        const record = checks.addStatus(repo, sha, input, state.login, state.now());
        return { status: 201, body: statusJson(links, repo, sha, record) };
      },
    },
  ];
}
