import type { Octokit } from '@octokit/rest';
import { isRunbookPath } from '../../core/runbooks/paths.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RunbookEntry, RunbookFile, RunbookSource } from '../../ports/runbooks.ts';
import { attempt, backendError } from '../github/github-errors.ts';
import { formatRepoPathSpec, parseRepoPathSpec, type RepoPathSpec } from './repo-path-spec.ts';

export interface GitHubRunbookOptions {
  /** How long a fetched copy is served before GitHub is asked again; default 5 minutes. */
  ttlMs?: number | undefined;
  log: Logger;
  clock: Clock;
}

interface Entry {
  type: string;
  path: string;
  sha: string;
  html_url: string | null;
}

// While GitHub fails, the stale copy is served and GitHub asked again at most this often.
const RETRY_MS = 30_000;

/**
 * Runbooks in a GitHub repository folder and its direct subfolders, fetched with the contents API and
 * cached for `ttlMs`. When GitHub fails after a successful fetch, the last copy is served and a warning
 * logged: an incident is the worst time to lose the runbooks. `entries()` lists the folders alone, with each
 * file's blob sha, so a reload downloads only the files whose sha changed.
 */
export class GitHubRunbookSource implements RunbookSource {
  readonly #octokit: Octokit;
  readonly #spec: RepoPathSpec;
  readonly #ttlMs: number;
  readonly #log: Logger;
  readonly #clock: Clock;
  #cache: { files: RunbookFile[]; expiresAt: number } | undefined;
  #pending: Promise<RunbookFile[]> | undefined;
  // Bumped by reload() so a fetch started before it cannot refill the cache with what it read.
  #generation = 0;

  constructor(octokit: Octokit, spec: string, options: GitHubRunbookOptions) {
    this.#octokit = octokit;
    this.#spec = parseRepoPathSpec(spec);
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#log = options.log;
    this.#clock = options.clock;
  }

  describe(): string {
    return `github:${formatRepoPathSpec(this.#spec)}`;
  }

  list(): Promise<RunbookFile[]> {
    if (this.#cache && this.#clock.now().getTime() < this.#cache.expiresAt) return Promise.resolve(this.#cache.files);
    // Concurrent callers share one fetch instead of each listing the folder.
    if (this.#pending) return this.#pending;
    const pending = this.#refresh(this.#generation).finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    return pending;
  }

  /** Drops the cached copy; the next `list()` fetches from GitHub. */
  reload(): void {
    this.#cache = undefined;
    this.#pending = undefined;
    this.#generation++;
  }

  async #refresh(generation: number): Promise<RunbookFile[]> {
    try {
      const files = await this.#fetch();
      if (generation === this.#generation)
        this.#cache = { files, expiresAt: this.#clock.now().getTime() + this.#ttlMs };
      return files;
    } catch (error) {
      const stale = this.#cache;
      if (!stale) throw backendError(`reading runbooks from ${this.describe()}`, error);
      this.#log.warn(
        { err: error, source: this.describe() },
        'GitHub runbooks unavailable; serving the copy fetched earlier',
      );
      stale.expiresAt = this.#clock.now().getTime() + Math.min(this.#ttlMs, RETRY_MS);
      return stale.files;
    }
  }

  entries(): Promise<RunbookEntry[]> {
    return attempt(`listing runbooks in ${this.describe()}`, () => this.#entries());
  }

  read(entry: RunbookEntry): Promise<RunbookFile> {
    return attempt(`reading ${entry.path} from ${this.describe()}`, () => this.#read(entry));
  }

  async #entries(): Promise<RunbookEntry[]> {
    const top = await this.#folder(this.#spec.path);
    const nested = await Promise.all(top.filter((e) => e.type === 'dir').map((e) => this.#folder(e.path)));
    return [...top, ...nested.flat()]
      .filter((e) => e.type === 'file' && isRunbookPath(this.#relative(e.path)))
      .map((e) => ({ path: this.#relative(e.path), version: e.sha, url: e.html_url ?? undefined }))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  #read(entry: RunbookEntry): Promise<RunbookFile> {
    const base = this.#spec.path;
    return this.#file(base ? `${base}/${entry.path}` : entry.path);
  }

  async #fetch(): Promise<RunbookFile[]> {
    const entries = await this.#entries();
    return Promise.all(entries.map((e) => this.#read(e)));
  }

  async #folder(path: string): Promise<Entry[]> {
    const { data } = await this.#octokit.rest.repos.getContent(this.#params(path));
    if (!Array.isArray(data)) throw new Error(`${path || '/'} is a file, not a folder`);
    return data.filter((e) => !e.name.startsWith('.'));
  }

  async #file(path: string): Promise<RunbookFile> {
    const { data } = await this.#octokit.rest.repos.getContent(this.#params(path));
    // Files over 1 MB come without content; no runbook should be that long.
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data) || data.encoding !== 'base64') {
      throw new Error(`${path} is not a readable file (over 1 MB, a symlink or a submodule?)`);
    }
    return {
      path: this.#relative(path),
      text: Buffer.from(data.content, 'base64').toString('utf8'),
      url: data.html_url ?? undefined,
    };
  }

  #params(path: string) {
    const { owner, repo, ref } = this.#spec;
    return { owner, repo, path, ...(ref ? { ref } : {}) };
  }

  #relative(path: string): string {
    const base = this.#spec.path;
    return base && path.startsWith(`${base}/`) ? path.slice(base.length + 1) : path;
  }
}
