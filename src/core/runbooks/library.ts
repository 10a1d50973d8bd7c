import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RunbookSource } from '../../ports/runbooks.ts';
import { formatRunbookProblem } from './problem.ts';
import { parseRunbooks, type Runbook } from './parse.ts';
import { RunbookIndex } from './search.ts';
import { ofFamilies } from './steps.ts';

/** The runbooks, as commands and buttons use them. */
export interface Runbooks {
  describe(): string;
  index(): Promise<RunbookIndex>;
  get(id: string): Promise<Runbook | undefined>;
  reload(): Promise<number>;
}

/**
 * The runbooks from their source, parsed and indexed once and kept until `reload()` (or the
 * refresh interval) so every `/runbook` does not re-read files or GitHub. Runbooks with problems
 * are left out and logged; `opsdeck runbooks check` reports them in CI.
 */
export class RunbookLibrary implements Runbooks {
  readonly #source: RunbookSource;
  readonly #families: readonly string[];
  readonly #log: Logger;
  readonly #maxAgeMs: number;
  readonly #clock: Clock;
  #loaded: { index: RunbookIndex; at: number } | undefined;
  #loading: Promise<RunbookIndex> | undefined;

  constructor(
    source: RunbookSource,
    options: { families: readonly string[]; log: Logger; maxAgeMs: number; clock: Clock },
  ) {
    this.#source = source;
    this.#families = options.families;
    this.#log = options.log;
    this.#maxAgeMs = options.maxAgeMs;
    this.#clock = options.clock;
  }

  describe(): string {
    return this.#source.describe();
  }

  async index(): Promise<RunbookIndex> {
    if (this.#loaded && this.#clock.now().getTime() - this.#loaded.at < this.#maxAgeMs) return this.#loaded.index;
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async get(id: string): Promise<Runbook | undefined> {
    return (await this.index()).get(id);
  }

  /** Drops the cache; the next use reads the source again. Returns how many runbooks are now loaded. */
  async reload(): Promise<number> {
    this.#loaded = undefined;
    return (await this.index()).size;
  }

  async #load(): Promise<RunbookIndex> {
    const { runbooks, problems } = parseRunbooks(await this.#source.list(), ofFamilies(this.#families));
    for (const problem of problems) this.#log.warn({ problem: formatRunbookProblem(problem) }, 'runbook skipped');
    const index = new RunbookIndex(runbooks);
    this.#loaded = { index, at: this.#clock.now().getTime() };
    return index;
  }
}
