import { createHash } from 'node:crypto';
import { blobSha, type ContentEntry, type ContentStore, type FileEntry } from './contents.ts';
import { HttpError, notFound } from './errors.ts';
import { repoApi, repoWeb, type Links } from './links.ts';
import type { Repository } from './repository.ts';
import type { RouteContext, Route } from './router.ts';
import type { RouteState } from './route-state.ts';

const BASE = '/repos/:owner/:repo';

/** `GET /repos/{o}/{r}/contents/{path}?ref=`: a directory listing or a file with base64 content. */
export function contentRoutes(state: RouteState, contents: ContentStore): Route[] {
  const handler = ({ params, url }: RouteContext) => {
    const repo = state.repo(params);
    const ref = url.searchParams.get('ref') || repo.defaultBranch;
    const commit = repo.resolve(ref);
    if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const found = contents.lookup(repo, commit.sha, params.path ?? '');
    if (!found) throw notFound();
    const json = (entry: ContentEntry) => entryJson(state.links, repo, ref, entry);
    return { status: 200, body: Array.isArray(found) ? found.map(json) : fileJson(json(found), found) };
  };
  return [
    { method: 'GET', pattern: `${BASE}/contents`, handler },
    { method: 'GET', pattern: `${BASE}/contents/*path`, handler },
  ];
}

export function entryJson(links: Links, repo: Repository, ref: string, entry: ContentEntry): Record<string, unknown> {
  const isFile = entry.type === 'file';
  const sha = isFile ? blobSha(entry.text) : createHash('sha1').update(`tree:${entry.path}`).digest('hex');
  const self = `${repoApi(links, repo)}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const git = `${repoApi(links, repo)}/git/${isFile ? 'blobs' : 'trees'}/${sha}`;
  const html = `${repoWeb(links, repo)}/${isFile ? 'blob' : 'tree'}/${ref}/${entry.path}`;
  return {
    type: entry.type,
    name: entry.path.split('/').pop() ?? entry.path,
    path: entry.path,
    sha,
    size: isFile ? Buffer.byteLength(entry.text) : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url: isFile ? `${links.web}/raw/${repo.fullName}/${ref}/${entry.path}` : null,
    _links: { self, git, html },
  };
}

// GitHub wraps base64 at 60 characters, which clients must tolerate.
function fileJson(json: Record<string, unknown>, entry: FileEntry): Record<string, unknown> {
  const content = Buffer.from(entry.text, 'utf8').toString('base64').replace(/.{60}/g, '$&\n');
  return { ...json, content, encoding: 'base64' };
}
