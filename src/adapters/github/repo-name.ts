export interface RepoName {
  owner: string;
  repo: string;
  /** `owner/name`, as people and messages write it. */
  fullName: string;
}

export function parseRepo(fullName: string): RepoName {
  const [owner, repo, ...rest] = fullName.split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new Error(`GitHub repository \`${fullName}\` must be written owner/name, e.g. acme/api`);
  }
  return { owner, repo, fullName };
}
