import { Body } from './body.ts';
import type { ContentStore } from './contents.ts';
import { HttpError, invalidField, notFound } from './errors.ts';
import { paginate } from './pagination.ts';
import { fullPullJson, pullJson } from './pull-json.ts';
import { pullRequestMerge } from './pull-merge.ts';
import type { PullRecord } from './pulls.ts';
import type { Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';
import type { Route } from './router.ts';

const BASE = '/repos/:owner/:repo/pulls';
const custom = (message: string) =>
  new HttpError(422, 'Validation Failed', { errors: [{ resource: 'PullRequest', code: 'custom', message }] });

function pullOf(repo: Repository, number: string | undefined): PullRecord {
  const pr = repo.pulls.find((p) => String(p.number) === number);
  if (!pr) throw notFound();
  return pr;
}

/** `owner:branch` or `branch` of this repository (pull requests from forks are not emulated). */
function headBranch(repo: Repository, head: string): string {
  const [owner, branch] = head.includes(':') ? head.split(':', 2) : [repo.owner, head];
  if (owner?.toLowerCase() !== repo.owner.toLowerCase() || !branch || !repo.branches.has(branch)) {
    throw invalidField('PullRequest', 'head', `head ${head} is not a branch of ${repo.fullName}`);
  }
  return branch;
}

/** Pull requests: open, read, list, edit and merge (merge, squash or rebase, as the repository allows). */
export function pullRoutes(state: RouteState, contents: ContentStore): Route[] {
  const { links } = state;
  return [
    {
      method: 'POST',
      pattern: BASE,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const body = new Body(raw, 'PullRequest');
        const title = body.requiredString('title');
        const head = headBranch(repo, body.requiredString('head'));
        const base = body.requiredString('base');
        const baseHead = repo.branches.get(base);
        if (baseHead === undefined) throw invalidField('PullRequest', 'base', `base ${base} is not a branch`);
        const headHead = repo.branches.get(head) ?? '';
        if (repo.reaches(baseHead, headHead)) throw custom(`No commits between ${base} and ${head}`);
        if (repo.pulls.some((p) => p.state === 'open' && p.headRef === head && p.baseRef === base)) {
          throw custom(`A pull request already exists for ${repo.owner}:${head}.`);
        }
        const now = state.now();
        const pr: PullRecord = {
          number: repo.pulls.length + 1,
          title,
          body: body.string('body') ?? null,
          headRef: head,
          baseRef: base,
          user: state.login,
          draft: body.boolean('draft') ?? false,
          state: 'open',
          createdAt: now,
          updatedAt: now,
          closedAt: null,
          mergedAt: null,
          mergeCommitSha: null,
          mergedBy: null,
          closedHead: null,
          closedBase: null,
        };
        repo.pulls.push(pr);
        state.simulator.pullRequestHead(repo, headHead);
        return { status: 201, body: fullPullJson(links, repo, pr, contents) };
      },
    },
    {
      method: 'GET',
      pattern: BASE,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const q = url.searchParams;
        const wanted = q.get('state') ?? 'open';
        const head = q.get('head');
        const base = q.get('base');
        const direction = q.get('direction') ?? 'desc';
        const list = repo.pulls
          .filter((p) => wanted === 'all' || p.state === wanted)
          .filter((p) => head === null || `${repo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase())
          .filter((p) => base === null || p.baseRef === base)
          .sort((a, b) => (direction === 'asc' ? a.number - b.number : b.number - a.number));
        const page = paginate(list, url);
        return { status: 200, body: page.items.map((p) => pullJson(links, repo, p)), headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:number`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        return { status: 200, body: fullPullJson(links, repo, pullOf(repo, params.number), contents) };
      },
    },
    {
      method: 'PATCH',
      pattern: `${BASE}/:number`,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const pr = pullOf(repo, params.number);
        const body = new Body(raw, 'PullRequest');
        const next = body.string('state');
        if (next !== undefined && next !== 'open' && next !== 'closed') {
          throw invalidField('PullRequest', 'state', `state ${next} is not open or closed`);
        }
        if (next === 'open' && pr.mergedAt !== null) throw custom('Cannot reopen a merged pull request');
        pr.title = body.string('title') ?? pr.title;
        pr.body = body.string('body') ?? pr.body;
        const now = state.now();
        if (next === 'closed' && pr.state === 'open') {
          Object.assign(pr, { closedAt: now, closedHead: repo.branches.get(pr.headRef) ?? null });
          Object.assign(pr, { closedBase: repo.branches.get(pr.baseRef) ?? null, state: 'closed' });
        } else if (next === 'open' && pr.state === 'closed') {
          Object.assign(pr, { state: 'open', closedAt: null, closedHead: null, closedBase: null });
        }
        pr.updatedAt = now;
        return { status: 200, body: fullPullJson(links, repo, pr, contents) };
      },
    },
    {
      method: 'PUT',
      pattern: `${BASE}/:number/merge`,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const pr = pullOf(repo, params.number);
        const sha = pullRequestMerge(state, contents, repo, pr, new Body(raw, 'PullRequest'));
        return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
      },
    },
  ];
}
