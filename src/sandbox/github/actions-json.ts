import { iso, minimalRepoJson, nodeId, repoApi, repoWeb, userJson, type Links } from './links.ts';
import type { Repository } from './repository.ts';
import type { RunRecord, WorkflowRecord } from './workflows.ts';

export function workflowJson(links: Links, repo: Repository, w: WorkflowRecord): Record<string, unknown> {
  const web = repoWeb(links, repo);
  return {
    id: w.id,
    node_id: nodeId('Workflow', w.id),
    name: w.name,
    path: w.path,
    state: 'active',
    created_at: iso(w.createdAt),
    updated_at: iso(w.createdAt),
    url: `${repoApi(links, repo)}/actions/workflows/${w.id}`,
    html_url: `${web}/blob/${repo.defaultBranch}/${w.path}`,
    badge_url: `${web}/workflows/${encodeURIComponent(w.name)}/badge.svg`,
  };
}

export const runUrls = (links: Links, repo: Repository, id: number) => ({
  url: `${repoApi(links, repo)}/actions/runs/${id}`,
  html_url: `${repoWeb(links, repo)}/actions/runs/${id}`,
});

export function runJson(
  links: Links,
  repo: Repository,
  run: RunRecord,
  workflow: WorkflowRecord,
): Record<string, unknown> {
  const { url, html_url } = runUrls(links, repo, run.id);
  const head = repo.get(run.headSha);
  const person = head && { name: head.author, email: `${head.author}@users.noreply.github.example` };
  const headCommit = head && { id: head.sha, tree_id: head.treeSha, message: head.message, timestamp: iso(head.date) };
  const checkSuiteId = 10_000 + run.id;
  return {
    id: run.id,
    name: workflow.name,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow.path,
    display_title: run.displayTitle,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflow.id,
    check_suite_id: checkSuiteId,
    check_suite_node_id: nodeId('CheckSuite', checkSuiteId),
    url,
    html_url,
    pull_requests: [],
    created_at: iso(run.createdAt),
    updated_at: iso(run.updatedAt),
    actor: userJson(links, run.actor),
    triggering_actor: userJson(links, run.actor),
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: iso(run.runStartedAt),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoApi(links, repo)}/check-suites/${checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repoApi(links, repo)}/actions/workflows/${workflow.id}`,
    head_commit: headCommit ? { ...headCommit, author: person, committer: person } : null,
    repository: minimalRepoJson(links, repo),
    head_repository: minimalRepoJson(links, repo),
  };
}
