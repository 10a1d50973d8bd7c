import { type CheckRunInput, CommitChecks, type StatusInput } from './commit-checks.ts';
import { blobSha, ContentStore } from './contents.ts';
import { DeploymentStore, type DeploymentRecord } from './deployments.ts';
import { notFound } from './errors.ts';
import {
  type DeploymentHistorySeed,
  type RunHistorySeed,
  seedDeploymentHistory,
  seedRunHistory,
} from './history-seed.ts';
import type { FailureSpec } from './faults.ts';
import { listen, type RunningServer } from './http-server.ts';
import type { Links } from './links.ts';
import type { CommitState, Repository } from './repository.ts';
import { RequestPipeline, type RequestLogEntry } from './request-pipeline.ts';
import type { RouteState } from './route-state.ts';
import { actionsRoutes } from './routes-actions.ts';
import { deploymentRoutes } from './routes-deployments.ts';
import { contentRoutes } from './routes-contents.ts';
import { contentWriteRoutes } from './routes-contents-write.ts';
import { gitRoutes } from './routes-git.ts';
import { pullRoutes } from './routes-pulls.ts';
import { checkRoutes } from './routes-checks.ts';
import { repoRoutes } from './routes-repos.ts';
import { seedRepository, type SeedRepoOptions } from './seed.ts';
import { Simulator } from './simulator.ts';
import { WorkflowStore, type RunRecord, type WorkflowSeed } from './workflows.ts';

export interface GitHubEmulatorOptions {
  /** Default 0: a random free port on 127.0.0.1. */
  readonly port?: number;
  /** When set, requests must send `Authorization: token <token>` or `Bearer <token>`. */
  readonly token?: string;
  /** How long each simulated deployment/run step takes; default 1000. */
  readonly stepMs?: number;
  /** Whether deployments and runs progress on their own; default true. Otherwise call `step()`. */
  readonly autoProgress?: boolean;
  /** Base of every `html_url`; default `${url}/web`. */
  readonly webUrl?: string;
  /** The authenticated user: creator of deployments, actor of dispatched runs; default `opsdeck-bot`. */
  readonly login?: string;
  /** Primary rate limit per hour; default 5000. */
  readonly rateLimit?: number;
  /** `retry-after` of secondary limits and the reset distance of injected primary limits; default 1. */
  readonly retryAfterSec?: number;
  /**
   * Epoch ms that dates commits, deployments, statuses and runs; default the system clock. Rate-limit headers
   * stay on real time, as clients wait on them.
   */
  readonly now?: () => number;
}

export interface SeededRepo {
  readonly fullName: string;
  /** The default branch's commits, oldest first. */
  readonly shas: readonly string[];
}

/** An in-process GitHub REST API (repos, refs, compare, deployments, Actions) for Octokit's `baseUrl`. */
export class GitHubEmulator {
  readonly url: string;
  readonly webUrl: string;
  readonly #server: RunningServer;
  readonly #repos = new Map<string, Repository>();
  readonly #deployments = new DeploymentStore();
  readonly #workflows = new WorkflowStore();
  readonly #contents = new ContentStore();
  readonly #checks = new CommitChecks();
  readonly #simulator: Simulator;
  readonly #pipeline: RequestPipeline;
  readonly #closing = new AbortController();
  readonly #now: () => number;

  static async start(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
    let emulator: GitHubEmulator | undefined;
    const server = await listen(
      (req) => (emulator ? emulator.#pipeline.handle(req) : Promise.reject(new Error('still starting'))),
      options,
    );
    emulator = new GitHubEmulator(server, options);
    return emulator;
  }

  private constructor(server: RunningServer, options: GitHubEmulatorOptions) {
    this.#server = server;
    this.url = server.url;
    this.webUrl = options.webUrl ?? `${server.url}/web`;
    const links: Links = { api: this.url, web: this.webUrl };
    this.#now = options.now ?? Date.now;
    this.#simulator = new Simulator({
      stepMs: options.stepMs ?? 1000,
      autoProgress: options.autoProgress ?? true,
      links,
      deployments: this.#deployments,
      workflows: this.#workflows,
      checks: this.#checks,
      now: this.#now,
    });
    const state: RouteState = {
      links,
      login: options.login ?? 'opsdeck-bot',
      deployments: this.#deployments,
      workflows: this.#workflows,
      simulator: this.#simulator,
      now: this.#now,
      repo: (params) => {
        const repo = this.#repos.get(`${params.owner}/${params.repo}`.toLowerCase());
        if (!repo) throw notFound();
        return repo;
      },
    };
    this.#pipeline = new RequestPipeline({
      baseUrl: this.url,
      routes: [
        // Before the commit route, whose `*ref` would otherwise take `abc/status` for a ref.
        ...checkRoutes(state, this.#checks),
        ...repoRoutes(state, this.#contents),
        ...deploymentRoutes(state),
        ...actionsRoutes(state),
        ...contentRoutes(state, this.#contents),
        ...contentWriteRoutes(state, this.#contents),
        ...gitRoutes(state, this.#contents),
        ...pullRoutes(state, this.#contents),
      ],
      token: options.token,
      rateLimit: options.rateLimit ?? 5000,
      retryAfterSec: options.retryAfterSec ?? 1,
      signal: this.#closing.signal,
    });
  }

  /** Every answered request, oldest first. */
  get requests(): readonly RequestLogEntry[] {
    return [...this.#pipeline.log];
  }

  seedRepo(options: SeedRepoOptions): SeededRepo {
    const key = `${options.owner}/${options.name}`.toLowerCase();
    if (this.#repos.has(key)) throw new Error(`seedRepo: ${options.owner}/${options.name} already exists`);
    const repo = seedRepository(options, this.#repos.size + 1, this.#now());
    this.#repos.set(key, repo);
    const line = repo.history(repo.branches.get(repo.defaultBranch) ?? '');
    return { fullName: repo.fullName, shas: line.map((c) => c.sha).reverse() };
  }

  /** Declares a workflow with its `workflow_dispatch` inputs; returns its id. */
  seedWorkflow(seed: WorkflowSeed): number {
    return this.#workflows.seed(this.#repo(seed.repo), seed, this.#now()).id;
  }

  /**
   * A deployment that already finished (default `success`), with its statuses, as if a deploy system had run
   * it `ageMs` ago; a success marks earlier successes of the environment inactive, as GitHub does. Returns its id.
   */
  seedDeployment(seed: DeploymentHistorySeed): number {
    return seedDeploymentHistory(this.#deployments, this.#repo(seed.repo), seed, this.#now());
  }

  /** A workflow run that already completed (default `success`), dispatched `ageMs` ago. Returns its id. */
  seedRun(seed: RunHistorySeed): number {
    return seedRunHistory(this.#workflows, this.#repo(seed.repo), seed, this.#now());
  }

  /** Pushes a commit onto an existing branch; returns its sha. */
  addCommit(repo: string, branch: string, message: string, author?: string): string {
    const r = this.#repo(repo);
    if (!r.branches.has(branch)) throw new Error(`addCommit: ${repo} has no branch ${branch}`);
    return r.commit(branch, { message, author }, this.#now()).sha;
  }

  /**
   * Commits files (path → text; null deletes) onto a branch (default: the default branch) for the contents
   * API; returns the new sha. Earlier refs keep serving the files they had.
   */
  writeFiles(
    repo: string,
    files: Readonly<Record<string, string | null>>,
    options: { branch?: string; message?: string; author?: string } = {},
  ): string {
    const r = this.#repo(repo);
    const message = options.message ?? `Update ${Object.keys(files).join(', ')}`;
    const branch = options.branch ?? r.defaultBranch;
    const { sha } = this.#contents.write(r, branch, files, { message, author: options.author, date: this.#now() });
    this.#simulator.branchMoved(r, branch, sha);
    return sha;
  }

  /**
   * A file as the contents API would serve it at `ref` (default the default branch), with the commit `ref`
   * names; undefined when no file is there. Tests and the Argo CD emulator read the manifests through it.
   */
  readFile(repo: string, path: string, ref?: string): { text: string; sha: string; commit: string } | undefined {
    const r = this.#repo(repo);
    const commit = r.resolve(ref ?? r.defaultBranch);
    const found = commit && this.#contents.lookup(r, commit.sha, path);
    if (!commit || !found || Array.isArray(found) || found.type !== 'file') return undefined;
    return { text: found.text, sha: blobSha(found.text), commit: commit.sha };
  }

  /** Creates a branch at `from` (a ref or sha), as `POST /git/refs` would; returns the sha. */
  createBranch(repo: string, branch: string, from: string): string {
    const r = this.#repo(repo);
    if (r.branches.has(branch)) throw new Error(`createBranch: ${repo} already has a branch ${branch}`);
    const sha = this.shaOf(repo, from);
    r.branches.set(branch, sha);
    return sha;
  }

  /**
   * Protects a branch with required status checks: a pull request into it merges only when each context has a
   * success status or a successful check run of that name on its head (`[]` removes the protection).
   */
  requireChecks(repo: string, branch: string, contexts: readonly string[]): void {
    const r = this.#repo(repo);
    if (!r.branches.has(branch)) throw new Error(`requireChecks: ${repo} has no branch ${branch}`);
    if (contexts.length === 0) r.requiredChecks.delete(branch);
    else r.requiredChecks.set(branch, [...contexts]);
  }

  /**
   * Plays CI for pull requests: each new head of an open pull request gets check runs of these names, which go
   * `queued → in_progress → completed` (success) one step per `stepMs` (or `step()`).
   */
  runChecksOnPullRequests(repo: string, names: readonly string[]): void {
    this.#simulator.runChecksOnPullRequests(this.#repo(repo).fullName, names);
  }

  /** The merge methods the repository allows for pull requests, as its settings would (those not given stay). */
  allowMerges(repo: string, methods: Partial<Record<'merge' | 'squash' | 'rebase', boolean>>): void {
    const allowed = { ...this.#repo(repo).mergeMethods, ...methods };
    // GitHub refuses the settings that leave none (422).
    if (!Object.values(allowed).some(Boolean)) throw new Error(`allowMerges: ${repo} must allow one merge method`);
    Object.assign(this.#repo(repo).mergeMethods, allowed);
  }

  /** Branch protection "Require linear history": a merge commit into `branch` is refused. */
  requireLinearHistory(repo: string, branch: string): void {
    this.#repo(repo).linearHistory.add(branch);
  }

  /** The next pull request head CI checks in this repository fails its first check. */
  failNextChecks(repo: string): void {
    this.#simulator.failNextChecks(this.#repo(repo).fullName);
  }

  /** Points a (new or existing) tag at `ref`; returns the sha. */
  addTag(repo: string, tag: string, ref: string): string {
    const sha = this.shaOf(repo, ref);
    this.#repo(repo).tags.set(tag, sha);
    return sha;
  }

  /**
   * Adds a commit status to the commit `ref` names (the newest per context counts, for the combined status and
   * deployments' `required_contexts`), as a CI system would with `POST /repos/{o}/{r}/statuses/{sha}`.
   */
  setCommitStatus(
    repo: string,
    ref: string,
    context: string,
    state: CommitState,
    options: Omit<StatusInput, 'state' | 'context'> = {},
  ): void {
    const r = this.#repo(repo);
    this.#checks.addStatus(r, this.shaOf(repo, ref), { ...options, state, context }, 'ci-bot', this.#now());
  }

  /**
   * Starts a check run on the commit `ref` names (`status` default `queued`; a `conclusion` completes it), as a
   * GitHub App would; a newer run of the same name replaces it in the latest view. Returns its id.
   */
  addCheckRun(repo: string, ref: string, input: CheckRunInput): number {
    return this.#checks.addCheckRun(this.#repo(repo), this.shaOf(repo, ref), input, this.#now()).id;
  }

  shaOf(repo: string, ref: string): string {
    const commit = this.#repo(repo).resolve(ref);
    if (!commit) throw new Error(`shaOf: ${repo} has no ref ${ref}`);
    return commit.sha;
  }

  /** Snapshots, newest first, with all statuses (oldest first). */
  deployments(repo: string): DeploymentRecord[] {
    return structuredClone(this.#deployments.list(this.#repo(repo)));
  }

  /** Snapshots of workflow runs, newest first, including the inputs they were dispatched with. */
  runs(repo: string): RunRecord[] {
    return structuredClone(this.#workflows.runs(this.#repo(repo)));
  }

  failNextDeployment(repo: string): void {
    this.#simulator.failNextDeployment(this.#repo(repo).fullName);
  }

  /** The next dispatch of `workflow` (id or file name) produces a run that concludes with failure. */
  failNextRun(repo: string, workflow: string | number): void {
    const found = this.#workflows.find(this.#repo(repo), String(workflow));
    if (!found) throw new Error(`failNextRun: ${repo} has no workflow ${workflow}`);
    this.#simulator.failNextRun(found.repo, found.id);
  }

  /** Arms a failure for matching requests; returns a function that disarms it. */
  injectFailure(spec: FailureSpec): () => void {
    return this.#pipeline.faults.add(spec);
  }

  /** Moves every deployment and run in flight one step (for tests that turn `autoProgress` off). */
  step(): void {
    this.#simulator.step();
  }

  /** Forgets all repositories, deployments, workflows, runs, failures, counters and the request log. */
  reset(): void {
    this.#repos.clear();
    this.#deployments.clear();
    this.#workflows.clear();
    this.#contents.clear();
    this.#checks.clear();
    this.#simulator.clear();
    this.#pipeline.reset();
  }

  async close(): Promise<void> {
    this.#simulator.clear();
    this.#closing.abort();
    await this.#server.close();
  }

  #repo(name: string): Repository {
    const repo = this.#repos.get(name.toLowerCase());
    if (!repo) throw new Error(`no repository ${name}; seed it with seedRepo first`);
    return repo;
  }
}
