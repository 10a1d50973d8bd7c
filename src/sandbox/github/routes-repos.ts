import { compareCommits } from './compare.ts';
import type { ContentStore } from './contents.ts';
import { fullCommitJson } from './commit-files.ts';
import { HttpError, notFound } from './errors.ts';
import { paginate } from './pagination.ts';
import { repoApi } from './links.ts';
import { branchJson, compareJson, refJson, repoJson, tagJson } from './repo-json.ts';
import type { RouteState } from './route-state.ts';
import type { Route } from './router.ts';

const BASE = '/repos/:owner/:repo';

export function repoRoutes(state: RouteState, contents: ContentStore): Route[] {
  const { links } = state;
  return [
    {
      method: 'GET',
      pattern: BASE,
      handler: ({ params }) => ({ status: 200, body: repoJson(links, state.repo(params)) }),
    },
    {
      method: 'GET',
      pattern: `${BASE}/commits/*ref`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const ref = params.ref ?? '';
        const commit = repo.resolve(ref);
        if (!commit) throw new HttpError(422, `No commit found for SHA: ${ref}`);
        return { status: 200, body: fullCommitJson(links, repo, commit, contents) };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/git/ref/*ref`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const ref = params.ref ?? '';
        const named = /^(heads|tags)\//.test(ref) ? repo.named(ref) : undefined;
        if (!named) throw notFound();
        return { status: 200, body: refJson(links, repo, named) };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/branches`,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const names = [...repo.branches.keys()].sort();
        const page = paginate(names, url);
        const body = page.items.map((name) => {
          const sha = repo.branches.get(name) ?? '';
          const protectedBranch = repo.requiredChecks.has(name);
          return { name, commit: { sha, url: `${repoApi(links, repo)}/commits/${sha}` }, protected: protectedBranch };
        });
        return { status: 200, body, headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/branches/*branch`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const name = params.branch ?? '';
        const head = repo.get(repo.branches.get(name) ?? '');
        if (!head) throw new HttpError(404, 'Branch not found');
        return { status: 200, body: branchJson(links, repo, name, head) };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/tags`,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const names = [...repo.tags.keys()].sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
        const page = paginate(names, url);
        const body = page.items.map((name) => tagJson(links, repo, name, repo.tags.get(name) ?? ''));
        return { status: 200, body, headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/compare/*basehead`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const [base = '', head = ''] = (params.basehead ?? '').split('...');
        const baseCommit = repo.resolve(base);
        const headCommit = repo.resolve(head);
        if (!baseCommit || !headCommit) throw notFound();
        const result = compareCommits(repo, baseCommit, headCommit);
        return { status: 200, body: compareJson(links, repo, { base, head, baseCommit, headCommit }, result) };
      },
    },
  ];
}
