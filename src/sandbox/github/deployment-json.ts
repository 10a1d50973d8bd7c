import type { DeploymentRecord, DeploymentStatusRecord } from './deployments.ts';
import { iso, nodeId, repoApi, userJson, type Links } from './links.ts';
import type { Repository } from './repository.ts';

export function deploymentJson(links: Links, repo: Repository, d: DeploymentRecord): Record<string, unknown> {
  const url = `${repoApi(links, repo)}/deployments/${d.id}`;
  return {
    url,
    id: d.id,
    node_id: nodeId('Deployment', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: userJson(links, d.creator),
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
    statuses_url: `${url}/statuses`,
    repository_url: repoApi(links, repo),
    transient_environment: d.transient,
    production_environment: d.production,
    performed_via_github_app: null,
  };
}

export function deploymentStatusJson(
  links: Links,
  repo: Repository,
  d: DeploymentRecord,
  s: DeploymentStatusRecord,
): Record<string, unknown> {
  const deploymentUrl = `${repoApi(links, repo)}/deployments/${d.id}`;
  return {
    url: `${deploymentUrl}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DeploymentStatus', s.id),
    state: s.state,
    creator: userJson(links, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.logUrl,
    log_url: s.logUrl,
    environment_url: s.environmentUrl,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
    deployment_url: deploymentUrl,
    repository_url: repoApi(links, repo),
    performed_via_github_app: null,
  };
}
