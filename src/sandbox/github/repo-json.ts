import type { Comparison } from './compare.ts';
import { iso, minimalRepoJson, nodeId, repoApi, repoWeb, userJson, type Links } from './links.ts';
import type { CommitRecord, GitIdentity, NamedRef, Repository } from './repository.ts';

export function repoJson(links: Links, repo: Repository): Record<string, unknown> {
  const api = repoApi(links, repo);
  return {
    ...minimalRepoJson(links, repo),
    default_branch: repo.defaultBranch,
    visibility: 'public',
    archived: false,
    disabled: false,
    git_url: `${links.web.replace(/^https?:/, 'git:')}/${repo.fullName}.git`,
    clone_url: `${repoWeb(links, repo)}.git`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    created_at: iso(repo.createdAt),
    updated_at: iso(repo.pushedAt),
    pushed_at: iso(repo.pushedAt),
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_merge_commit: repo.mergeMethods.merge,
    allow_squash_merge: repo.mergeMethods.squash,
    allow_rebase_merge: repo.mergeMethods.rebase,
  };
}

const gitPerson = (login: string, identity: GitIdentity | undefined, date: number): Record<string, unknown> => ({
  name: identity?.name ?? login,
  email: identity?.email ?? `${login}@users.noreply.github.example`,
  date: iso(date),
});

const parentsOf = (c: CommitRecord): string[] => [c.parent, c.mergeParent].filter((p): p is string => p !== undefined);

/** The git data API's view of a commit (`GET /git/commits/{sha}`, the `commit` of a contents write). */
export function gitCommitJson(links: Links, repo: Repository, c: CommitRecord): Record<string, unknown> {
  const api = repoApi(links, repo);
  const web = repoWeb(links, repo);
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    author: gitPerson(c.author, c.gitAuthor, c.date),
    committer: gitPerson(c.author, c.gitCommitter, c.date),
    tree: { sha: c.treeSha, url: `${api}/git/trees/${c.treeSha}` },
    message: c.message,
    parents: parentsOf(c).map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export function commitJson(links: Links, repo: Repository, c: CommitRecord): Record<string, unknown> {
  const api = repoApi(links, repo);
  const web = repoWeb(links, repo);
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${api}/commits/${c.sha}`,
    html_url: `${web}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      author: gitPerson(c.author, c.gitAuthor, c.date),
      committer: gitPerson(c.author, c.gitCommitter, c.date),
      message: c.message,
      tree: { sha: c.treeSha, url: `${api}/git/trees/${c.treeSha}` },
      url: `${api}/git/commits/${c.sha}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: userJson(links, c.author),
    committer: userJson(links, c.author),
    parents: parentsOf(c).map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${web}/commit/${sha}` })),
  };
}

export function branchJson(links: Links, repo: Repository, name: string, head: CommitRecord): Record<string, unknown> {
  const api = `${repoApi(links, repo)}/branches/${encodeURIComponent(name)}`;
  const required = repo.requiredChecks.get(name);
  return {
    name,
    commit: commitJson(links, repo, head),
    _links: { self: api, html: `${repoWeb(links, repo)}/tree/${encodeURIComponent(name)}` },
    protected: required !== undefined,
    protection: {
      enabled: required !== undefined,
      required_status_checks: {
        enforcement_level: required === undefined ? 'off' : 'non_admins',
        contexts: required ?? [],
        checks: (required ?? []).map((context) => ({ context, app_id: null })),
      },
    },
    protection_url: `${api}/protection`,
  };
}

export function tagJson(links: Links, repo: Repository, name: string, sha: string): Record<string, unknown> {
  const web = repoWeb(links, repo);
  return {
    name,
    commit: { sha, url: `${repoApi(links, repo)}/commits/${sha}` },
    zipball_url: `${web}/zipball/refs/tags/${encodeURIComponent(name)}`,
    tarball_url: `${web}/tarball/refs/tags/${encodeURIComponent(name)}`,
    node_id: nodeId('Ref', `tags/${name}`),
  };
}

export function refJson(links: Links, repo: Repository, ref: NamedRef): Record<string, unknown> {
  const full = `refs/${ref.kind === 'branch' ? 'heads' : 'tags'}/${ref.name}`;
  const api = repoApi(links, repo);
  return {
    ref: full,
    node_id: nodeId('Ref', full),
    url: `${api}/git/${full}`,
    object: { sha: ref.sha, type: 'commit', url: `${api}/git/commits/${ref.sha}` },
  };
}

export function compareJson(
  links: Links,
  repo: Repository,
  spec: { base: string; head: string; baseCommit: CommitRecord; headCommit: CommitRecord },
  result: Comparison,
): Record<string, unknown> {
  const web = repoWeb(links, repo);
  const basehead = `${spec.base}...${spec.head}`;
  const pinned = (c: CommitRecord) => `${repo.owner}:${c.sha.slice(0, 7)}`;
  return {
    url: `${repoApi(links, repo)}/compare/${basehead}`,
    html_url: `${web}/compare/${basehead}`,
    permalink_url: `${web}/compare/${pinned(spec.baseCommit)}...${pinned(spec.headCommit)}`,
    diff_url: `${web}/compare/${basehead}.diff`,
    patch_url: `${web}/compare/${basehead}.patch`,
    base_commit: commitJson(links, repo, spec.baseCommit),
    merge_base_commit: commitJson(links, repo, result.mergeBase),
    status: result.status,
    ahead_by: result.ahead.length,
    behind_by: result.behindBy,
    total_commits: result.ahead.length,
    commits: result.ahead.map((c) => commitJson(links, repo, c)),
    files: [],
  };
}
