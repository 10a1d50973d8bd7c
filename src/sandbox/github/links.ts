import { createHash } from 'node:crypto';
import type { Repository } from './repository.ts';

/** Where API objects point: `api` is the emulator's base URL, `web` the configured html_url base. */
export interface Links {
  readonly api: string;
  readonly web: string;
}

/** GitHub timestamps carry whole seconds. */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const nodeId = (kind: string, id: number | string): string =>
  Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');

const numericId = (text: string): number =>
  Number.parseInt(createHash('sha1').update(text).digest('hex').slice(0, 7), 16);

export function userJson(links: Links, login: string): Record<string, unknown> {
  const id = numericId(`user:${login}`);
  const url = `${links.api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId('User', id),
    avatar_url: `${links.web}/avatars/${encodeURIComponent(login)}`,
    gravatar_id: '',
    url,
    html_url: `${links.web}/${encodeURIComponent(login)}`,
    repos_url: `${url}/repos`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

export const repoApi = (links: Links, repo: Repository): string => `${links.api}/repos/${repo.fullName}`;
export const repoWeb = (links: Links, repo: Repository): string => `${links.web}/${repo.fullName}`;

export function minimalRepoJson(links: Links, repo: Repository): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: false,
    owner: userJson(links, repo.owner),
    html_url: repoWeb(links, repo),
    description: null,
    fork: false,
    url: repoApi(links, repo),
    deployments_url: `${repoApi(links, repo)}/deployments`,
  };
}
