import { Body } from './body.ts';
import { blobSha, type ContentStore, normalize } from './contents.ts';
import { HttpError } from './errors.ts';
import type { GitIdentity } from './repository.ts';
import { gitCommitJson } from './repo-json.ts';
import type { RouteState } from './route-state.ts';
import type { Route } from './router.ts';
import { entryJson } from './routes-contents.ts';

const invalid = (detail: string): HttpError => new HttpError(422, `Invalid request.\n\n${detail}`);

function identity(body: Body, field: string): GitIdentity | undefined {
  const raw = body.object(field);
  if (raw === undefined) return undefined;
  const { name, email } = raw;
  if (typeof name !== 'string' || typeof email !== 'string') {
    throw invalid(`"name" and "email" are required in "${field}".`);
  }
  return { name, email };
}

function decodeContent(content: string): string {
  const compact = content.replace(/\s/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) throw invalid('content is not valid Base64');
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * `PUT /repos/{o}/{r}/contents/{path}`: creates or updates one file with a commit on the branch. Updating needs
 * the file's current blob sha, so two writers that read the same version cannot both win.
 */
export function contentWriteRoutes(state: RouteState, contents: ContentStore): Route[] {
  return [
    {
      method: 'PUT',
      pattern: '/repos/:owner/:repo/contents/*path',
      handler: ({ params, body: raw }) => {
        const repo = state.repo(params);
        const path = normalize(params.path ?? '');
        const body = new Body(raw, 'Content');
        const message = body.string('message');
        if (message === undefined) throw invalid('"message" wasn\'t supplied.');
        const content = body.string('content');
        if (content === undefined) throw invalid('"content" wasn\'t supplied.');
        const text = decodeContent(content);
        const branch = body.string('branch') ?? repo.defaultBranch;
        const head = repo.branches.get(branch);
        if (head === undefined) throw new HttpError(404, `Branch ${branch} not found`);
        const tree = contents.treeAt(repo, head);
        const current = tree.get(path);
        const sha = body.string('sha');
        if (current === undefined && [...tree.keys()].some((p) => p.startsWith(`${path}/`))) {
          throw invalid(`"${path}" is a directory.`);
        }
        if (current !== undefined && sha === undefined) throw invalid('"sha" wasn\'t supplied.');
        if (sha !== undefined && (current === undefined || sha !== blobSha(current))) {
          throw new HttpError(409, `${path} does not match ${sha}`);
        }
        const author = identity(body, 'author');
        const committer = identity(body, 'committer');
        const commit = contents.write(
          repo,
          branch,
          { [path]: text },
          {
            message,
            author: state.login,
            gitAuthor: author ?? committer,
            gitCommitter: committer ?? author,
            date: state.now(),
          },
        );
        state.simulator.branchMoved(repo, branch, commit.sha);
        const entry = entryJson(state.links, repo, branch, { type: 'file', path, text });
        return {
          status: current === undefined ? 201 : 200,
          body: { content: entry, commit: gitCommitJson(state.links, repo, commit) },
        };
      },
    },
  ];
}
