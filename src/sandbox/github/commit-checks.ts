import { iso, minimalRepoJson, nodeId, repoApi, repoWeb, type Links } from './links.ts';
import type { CommitState, Repository } from './repository.ts';

export interface StatusRecord {
  readonly id: number;
  readonly state: CommitState;
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: string;
  readonly createdAt: number;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed';
export type CheckConclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required'
  | 'stale';

export interface CheckRunRecord {
  readonly id: number;
  readonly headSha: string;
  readonly name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  detailsUrl: string | null;
  summary: string | null;
  readonly startedAt: number;
  completedAt: number | null;
}

export interface StatusInput {
  state: CommitState;
  context?: string | undefined;
  description?: string | undefined;
  targetUrl?: string | undefined;
}

export interface CheckRunInput {
  name: string;
  status?: CheckStatus | undefined;
  conclusion?: CheckConclusion | undefined;
  detailsUrl?: string | undefined;
  summary?: string | undefined;
}

/** Statuses and check runs of commits, stored on their repositories; ids are unique across the emulator. */
export class CommitChecks {
  #nextId = 1;

  addStatus(repo: Repository, sha: string, input: StatusInput, creator: string, now: number): StatusRecord {
    const record: StatusRecord = {
      id: this.#nextId++,
      state: input.state,
      context: input.context ?? 'default',
      description: input.description ?? null,
      targetUrl: input.targetUrl ?? null,
      creator,
      createdAt: now,
    };
    repo.statuses.set(sha, [...(repo.statuses.get(sha) ?? []), record]);
    return record;
  }

  /** A new run of `name` on the commit; an earlier run of that name stays, but no longer counts as latest. */
  addCheckRun(repo: Repository, sha: string, input: CheckRunInput, now: number): CheckRunRecord {
    const status = input.conclusion ? 'completed' : (input.status ?? 'queued');
    const record: CheckRunRecord = {
      id: this.#nextId++,
      headSha: sha,
      name: input.name,
      status,
      conclusion: status === 'completed' ? (input.conclusion ?? 'success') : null,
      detailsUrl: input.detailsUrl ?? null,
      summary: input.summary ?? null,
      startedAt: now,
      completedAt: status === 'completed' ? now : null,
    };
    repo.checkRuns.push(record);
    return record;
  }

  clear(): void {
    this.#nextId = 1;
  }
}

/** The newest status of each context, newest first, as GitHub's combined status lists them. */
export function latestStatuses(repo: Repository, sha: string): StatusRecord[] {
  const latest = new Map<string, StatusRecord>();
  for (const s of repo.statuses.get(sha) ?? []) latest.set(s.context, s);
  return [...latest.values()].sort((a, b) => b.id - a.id);
}

/** GitHub's rule: failure when any context failed or errored, pending when any is pending or none exist. */
export function combinedState(statuses: readonly StatusRecord[]): 'failure' | 'pending' | 'success' {
  if (statuses.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

/** Check runs of a commit, newest first; with `latest`, only the newest run of each name. */
export function checkRunsOf(repo: Repository, sha: string, latest: boolean): CheckRunRecord[] {
  const runs = repo.checkRuns.filter((r) => r.headSha === sha).sort((a, b) => b.id - a.id);
  if (!latest) return runs;
  const seen = new Set<string>();
  return runs.filter((r) => !seen.has(r.name) && Boolean(seen.add(r.name)));
}

export function statusJson(links: Links, repo: Repository, sha: string, s: StatusRecord): Record<string, unknown> {
  return {
    url: `${repoApi(links, repo)}/statuses/${sha}`,
    avatar_url: `${links.web}/avatars/${encodeURIComponent(s.creator)}`,
    id: s.id,
    node_id: nodeId('StatusContext', s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
  };
}

export function combinedStatusJson(links: Links, repo: Repository, sha: string): Record<string, unknown> {
  const statuses = latestStatuses(repo, sha);
  const api = repoApi(links, repo);
  return {
    state: combinedState(statuses),
    statuses: statuses.map((s) => statusJson(links, repo, sha, s)),
    sha,
    total_count: statuses.length,
    repository: minimalRepoJson(links, repo),
    commit_url: `${api}/commits/${sha}`,
    url: `${api}/commits/${sha}/status`,
  };
}

const CI_APP = { id: 15368, slug: 'github-actions', name: 'GitHub Actions' };

export function checkRunJson(links: Links, repo: Repository, run: CheckRunRecord): Record<string, unknown> {
  const api = repoApi(links, repo);
  const htmlUrl = `${repoWeb(links, repo)}/runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CheckRun', run.id),
    external_id: String(run.id),
    url: `${api}/check-runs/${run.id}`,
    html_url: htmlUrl,
    details_url: run.detailsUrl ?? htmlUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: iso(run.startedAt),
    completed_at: run.completedAt === null ? null : iso(run.completedAt),
    output: {
      title: run.summary,
      summary: run.summary,
      text: null,
      annotations_count: 0,
      annotations_url: `${api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.id },
    app: { ...CI_APP, node_id: nodeId('App', CI_APP.id), owner: { login: 'github', type: 'Organization' } },
    pull_requests: [],
  };
}
