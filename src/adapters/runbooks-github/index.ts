export { GitHubRunbookSource, type GitHubRunbookOptions } from './github-runbook-source.ts';
export { formatRepoPathSpec, parseRepoPathSpec, type RepoPathSpec } from './repo-path-spec.ts';
