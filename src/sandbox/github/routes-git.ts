import { Body } from './body.ts';
import { commitChanges } from './commit-files.ts';
import type { ContentStore } from './contents.ts';
import { HttpError, notFound } from './errors.ts';
import { paginate } from './pagination.ts';
import { commitJson, gitCommitJson, refJson } from './repo-json.ts';
import type { NamedRef, Repository } from './repository.ts';
import type { RouteState } from './route-state.ts';
import type { Route } from './router.ts';

const BASE = '/repos/:owner/:repo';

/** Every branch and tag as a ref, sorted by full name like `git for-each-ref`. */
function allRefs(repo: Repository): NamedRef[] {
  const refs: NamedRef[] = [
    ...[...repo.branches].map(([name, sha]) => ({ kind: 'branch' as const, name, sha })),
    ...[...repo.tags].map(([name, sha]) => ({ kind: 'tag' as const, name, sha })),
  ];
  const full = (r: NamedRef) => `${r.kind === 'branch' ? 'heads' : 'tags'}/${r.name}`;
  return refs.sort((a, b) => full(a).localeCompare(full(b)));
}

/** `heads/x` or `refs/heads/x` → the branch name; tags are refused, as only branches move here. */
function branchOf(ref: string): string | undefined {
  const match = /^(?:refs\/)?heads\/(.+)$/.exec(ref);
  return match?.[1];
}

/** The git data API (commits, refs) and the commit history, enough to branch, fast-forward and revert. */
export function gitRoutes(state: RouteState, contents: ContentStore): Route[] {
  const { links } = state;
  const commitFor = (repo: Repository, sha: string) => {
    const commit = repo.get(sha);
    if (!commit) throw new HttpError(422, 'Object does not exist');
    return commit;
  };
  return [
    {
      method: 'GET',
      pattern: `${BASE}/git/commits/:sha`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const commit = repo.get(params.sha ?? '');
        if (!commit) throw notFound();
        return { status: 200, body: gitCommitJson(links, repo, commit) };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/commits`,
      handler: ({ params, url }) => {
        const repo = state.repo(params);
        const ref = url.searchParams.get('sha') || repo.defaultBranch;
        const head = repo.resolve(ref);
        if (!head) throw new HttpError(404, `No commit found for SHA: ${ref}`);
        const path = (url.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
        const touches = (changed: readonly string[]) =>
          changed.some((file) => file === path || file.startsWith(`${path}/`));
        const line = repo
          .history(head.sha)
          .filter((c) => path === '' || touches(commitChanges(contents, repo, c).map((f) => f.path)));
        const page = paginate(line, url);
        return { status: 200, body: page.items.map((c) => commitJson(links, repo, c)), headers: page.headers };
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/git/refs/*ref`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const ref = (params.ref ?? '').replace(/^refs\//, '');
        const exact = /^(heads|tags)\//.test(ref) ? repo.named(ref) : undefined;
        if (exact) return { status: 200, body: refJson(links, repo, exact) };
        const prefixed = allRefs(repo).filter((r) =>
          `${r.kind === 'branch' ? 'heads' : 'tags'}/${r.name}`.startsWith(ref),
        );
        if (prefixed.length === 0) throw notFound();
        return { status: 200, body: prefixed.map((r) => refJson(links, repo, r)) };
      },
    },
    {
      method: 'POST',
      pattern: `${BASE}/git/refs`,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const body = new Body(raw, 'Reference');
        const ref = body.requiredString('ref');
        const sha = body.requiredString('sha');
        if (!/^refs\/[^/]+\/.+/.test(ref)) {
          throw new HttpError(422, 'Reference name must contain at least three slash-separated components.');
        }
        const branch = branchOf(ref);
        const tag = /^refs\/tags\/(.+)$/.exec(ref)?.[1];
        if (branch === undefined && tag === undefined) throw new HttpError(422, `${ref} is not a valid ref name.`);
        const commit = commitFor(repo, sha);
        if (branch !== undefined ? repo.branches.has(branch) : repo.tags.has(tag ?? '')) {
          throw new HttpError(422, 'Reference already exists');
        }
        if (branch !== undefined) repo.branches.set(branch, commit.sha);
        else repo.tags.set(tag ?? '', commit.sha);
        const named = repo.named(ref);
        return { status: 201, body: named && refJson(links, repo, named) };
      },
    },
    {
      method: 'PATCH',
      pattern: `${BASE}/git/refs/*ref`,
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const body = new Body(raw, 'Reference');
        const sha = body.requiredString('sha');
        const branch = branchOf(params.ref ?? '');
        const current = branch === undefined ? undefined : repo.branches.get(branch);
        if (branch === undefined || current === undefined) throw new HttpError(422, 'Reference does not exist');
        const commit = commitFor(repo, sha);
        if (!body.boolean('force') && !repo.reaches(commit.sha, current)) {
          throw new HttpError(422, 'Update is not a fast forward');
        }
        repo.branches.set(branch, commit.sha);
        state.simulator.branchMoved(repo, branch, commit.sha);
        return { status: 200, body: refJson(links, repo, { kind: 'branch', name: branch, sha: commit.sha }) };
      },
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/git/refs/*ref`,
      handler: ({ params }) => {
        const repo = state.repo(params);
        const ref = params.ref ?? '';
        const branch = branchOf(ref);
        const tag = /^(?:refs\/)?tags\/(.+)$/.exec(ref)?.[1];
        if (branch !== undefined && repo.branches.has(branch) && branch !== repo.defaultBranch) {
          repo.branches.delete(branch);
        } else if (tag !== undefined && repo.tags.has(tag)) {
          repo.tags.delete(tag);
        } else {
          throw new HttpError(422, 'Reference does not exist');
        }
        return { status: 204 };
      },
    },
  ];
}
