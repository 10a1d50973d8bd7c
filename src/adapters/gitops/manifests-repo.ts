import type { Octokit } from '@octokit/rest';
import { UserError } from '../../core/errors.ts';
import { attempt, backendError, httpStatus } from '../github/github-errors.ts';
import { parseRepo, type RepoName } from '../github/repo-name.ts';

/** A file as read from the repository: its text and the blob sha that a write must name. */
export interface ManifestFile {
  text: string;
  blobSha: string;
}

export interface ManifestCommit {
  sha: string;
  url: string;
}

/** The write was refused because the file changed since it was read (409, the blob sha is stale). */
export class StaleFile extends Error {}

/** Reads and writes one manifests repository through the contents API, on the shared Octokit. */
export class ManifestsRepo {
  readonly name: RepoName;
  readonly #octokit: Octokit;

  constructor(octokit: Octokit, repo: string) {
    this.#octokit = octokit;
    this.name = parseRepo(repo);
  }

  /** The file at `ref` (a branch or commit); UserError naming the path when it is not there. */
  async read(path: string, ref: string): Promise<ManifestFile> {
    const { owner, repo, fullName } = this.name;
    const data = await attempt(`reading ${path} at ${ref} in ${fullName}`, async () => {
      try {
        return (await this.#octokit.rest.repos.getContent({ owner, repo, path, ref })).data;
      } catch (error) {
        if (httpStatus(error) === 404) {
          throw new UserError(`${fullName} has no ${path} on ${ref}; fix the deploy's repo, branch or file`);
        }
        throw error;
      }
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      throw new UserError(`${path} in ${fullName} is not a file; point deploy.file at the manifest`);
    }
    return { text: Buffer.from(data.content, 'base64').toString('utf8'), blobSha: data.sha };
  }

  /**
   * Writes the file as one commit on `branch`, only if its blob is still `blobSha` (GitHub answers 409
   * otherwise, thrown as StaleFile): a concurrent edit is never overwritten.
   */
  async write(path: string, branch: string, file: ManifestFile, message: string): Promise<ManifestCommit> {
    const { owner, repo, fullName } = this.name;
    try {
      const { data } = await this.#octokit.rest.repos.createOrUpdateFileContents({
        owner,
        repo,
        path,
        branch,
        message,
        sha: file.blobSha,
        content: Buffer.from(file.text, 'utf8').toString('base64'),
      });
      const sha = data.commit.sha;
      if (!sha) throw new Error('GitHub did not return the new commit');
      return { sha, url: data.commit.html_url ?? this.commitUrl(sha) };
    } catch (error) {
      if (httpStatus(error) === 409) throw new StaleFile(`${path} changed on ${branch} since it was read`);
      throw backendError(`committing ${path} to ${branch} in ${fullName}`, error);
    }
  }

  /** The newest commits on `branch` that touched `path`, newest first. */
  async history(path: string, branch: string, limit: number): Promise<ManifestCommit[]> {
    const { owner, repo, fullName } = this.name;
    const { data } = await attempt(`listing the commits of ${path} in ${fullName}`, () =>
      this.#octokit.rest.repos.listCommits({ owner, repo, sha: branch, path, per_page: limit }),
    );
    return data.map((c) => ({ sha: c.sha, url: c.html_url }));
  }

  /** Whether `head` includes `base`: the same commit, or later on its history. */
  async contains(base: string, head: string): Promise<boolean> {
    if (base === head) return true;
    const { owner, repo, fullName } = this.name;
    const { data } = await attempt(`comparing ${base.slice(0, 7)} with ${head.slice(0, 7)} in ${fullName}`, () =>
      this.#octokit.rest.repos.compareCommitsWithBasehead({ owner, repo, basehead: `${base}...${head}`, per_page: 1 }),
    );
    return data.status === 'identical' || data.status === 'ahead';
  }

  commitUrl(sha: string): string {
    return `https://github.com/${this.name.fullName}/commit/${sha}`;
  }
}
