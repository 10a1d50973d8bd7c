/** Where runbooks live in GitHub: `acme/ops/runbooks@main`. */
export interface RepoPathSpec {
  owner: string;
  repo: string;
  /** Folder inside the repository, without leading or trailing slashes; '' for the root. */
  path: string;
  /** Branch, tag or sha; undefined for the default branch. */
  ref: string | undefined;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Parses `owner/repo[/path][@ref]`, refusing anything ambiguous with an example of the right form. */
export function parseRepoPathSpec(spec: string): RepoPathSpec {
  const bad = (why: string) =>
    new Error(`GitHub runbook source \`${spec}\` ${why}: write owner/repo/path@ref, e.g. acme/ops/runbooks@main`);
  const at = spec.lastIndexOf('@');
  const location = at < 0 ? spec.trim() : spec.slice(0, at).trim();
  const ref = at < 0 ? undefined : spec.slice(at + 1).trim();
  if (ref === '') throw bad('has an empty ref after @');
  if (ref !== undefined && !/^[\w./-]+$/.test(ref)) throw bad(`has an invalid ref "${ref}"`);
  const [owner = '', repo = '', ...rest] = location.split('/');
  if (!NAME.test(owner) || !NAME.test(repo)) throw bad('needs an owner and a repository');
  const parts = rest.filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw bad('may not use . or .. in its path');
  return { owner, repo, path: parts.join('/'), ref };
}

export function formatRepoPathSpec(spec: RepoPathSpec): string {
  const path = spec.path ? `/${spec.path}` : '';
  return `${spec.owner}/${spec.repo}${path}${spec.ref ? `@${spec.ref}` : ''}`;
}
