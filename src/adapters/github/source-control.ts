import type { Octokit } from '@octokit/rest';
import { UserError } from '../../core/errors.ts';
import type { Commit, SourceControl } from '../../ports/backends.ts';
import { backendError, httpStatus } from './github-errors.ts';
import { parseRepo } from './repo-name.ts';
import { refKind } from './git-ref-kind.ts';
import { resolveCommit } from './resolve-commit.ts';

export interface SourceControlOptions {
  /**
   * Base of the links shown to people, e.g. `https://github.com`, when the API's own `html_url`s point
   * somewhere they cannot open (an API proxy, an internal hostname); the API's links when omitted.
   */
  webUrl?: string | undefined;
}

export class GitHubSourceControl implements SourceControl {
  readonly #octokit: Octokit;
  readonly #webUrl: string | undefined;

  constructor(octokit: Octokit, options: SourceControlOptions = {}) {
    this.#octokit = octokit;
    this.#webUrl = options.webUrl?.replace(/\/+$/, '');
  }

  async resolveRef(repo: string, ref: string): Promise<{ sha: string; url: string }> {
    const { sha, url } = await resolveCommit(this.#octokit, parseRepo(repo), ref);
    return { sha, url: this.#link(url, `${repo}/commit/${sha}`) };
  }

  async refKind(repo: string, ref: string): Promise<'branch' | 'tag' | 'commit'> {
    return refKind(this.#octokit, parseRepo(repo), ref);
  }

  async compare(
    repo: string,
    base: string,
    head: string,
  ): Promise<{ aheadBy: number; behindBy: number; url: string; commits: Commit[] }> {
    const name = parseRepo(repo);
    const basehead = `${base}...${head}`;
    try {
      const { data } = await this.#octokit.rest.repos.compareCommitsWithBasehead({
        owner: name.owner,
        repo: name.repo,
        basehead,
      });
      return {
        aheadBy: data.ahead_by,
        behindBy: data.behind_by,
        url: this.#link(data.html_url, `${repo}/compare/${basehead}`),
        commits: data.commits.map((c) => ({
          sha: c.sha,
          message: c.commit.message.split('\n', 1)[0] ?? '',
          author: c.author?.login ?? c.commit.author?.name ?? undefined,
        })),
      };
    } catch (error) {
      if (httpStatus(error) === 404) {
        throw new UserError(`Cannot compare \`${basehead}\` in ${repo}: one of them is not a branch, tag or commit.`);
      }
      throw backendError(`comparing \`${basehead}\` in ${repo}`, error);
    }
  }

  async recentRefs(repo: string, query: string, limit: number): Promise<string[]> {
    const { owner, repo: name } = parseRepo(repo);
    const wanted = query.toLowerCase();
    try {
      // One page of each: a picker wants the recent ones, and GitHub lists tags newest first.
      const [tags, branches] = await Promise.all([
        this.#octokit.rest.repos.listTags({ owner, repo: name, per_page: 100 }),
        this.#octokit.rest.repos.listBranches({ owner, repo: name, per_page: 100 }),
      ]);
      const names = [...tags.data.map((t) => t.name), ...branches.data.map((b) => b.name)];
      return names.filter((n) => n.toLowerCase().includes(wanted)).slice(0, limit);
    } catch (error) {
      throw backendError(`listing tags and branches of ${repo}`, error);
    }
  }

  #link(fromApi: string, path: string): string {
    return this.#webUrl === undefined ? fromApi : `${this.#webUrl}/${path}`;
  }
}
