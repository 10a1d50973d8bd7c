import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RunbookEntry, RunbookFile, RunbookSource } from '../../ports/runbooks.ts';
import { formatRunbookProblem } from './problem.ts';
import type { Runbook } from './parse.ts';
import type { RunbookIndex } from './search.ts';
import { ofFamilies } from './steps.ts';

// The parsers (js-yaml among them) and the index are loaded with the first runbooks, not at start: a bot
// whose people never search runbooks keeps a few megabytes less.
const parser = () => import('./parse.ts');
const indexer = async () => (await import('./search.ts')).RunbookIndex;

/** The runbooks, as commands and buttons use them. */
export interface Runbooks {
  describe(): string;
  index(): Promise<RunbookIndex>;
  get(id: string): Promise<Runbook | undefined>;
  reload(): Promise<number>;
}

// While the source fails after a successful load, the runbooks loaded earlier are served and the source
// asked again at most this often.
const RETRY_MS = 30_000;
// How many files are parsed between turns of the event loop: a few milliseconds of work.
const PARSE_TURN = 500;

/**
 * The runbooks from their source, parsed and indexed once and kept until `reload()` (or the
 * refresh interval) so every `/runbook` does not re-read files or GitHub. Runbooks with problems
 * are left out and logged; `opsdeck runbooks check` reports them in CI. When the source lists
 * versions (both built-in ones do), a reload reads, parses and re-indexes only the files whose
 * version changed, and drops the ones that are gone.
 */
export class RunbookLibrary implements Runbooks {
  readonly #source: RunbookSource;
  readonly #families: readonly string[];
  readonly #log: Logger;
  readonly #maxAgeMs: number;
  readonly #clock: Clock;
  #loaded: { index: RunbookIndex; at: number } | undefined;
  #loading: Promise<RunbookIndex> | undefined;
  /** The version each listed file had when it was last read, and the runbook it gave (none if it had problems). */
  readonly #versions = new Map<string, { version: string; id: string | undefined }>();
  #index: RunbookIndex | undefined;

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
    const { entries, read } = this.#source;
    if (entries && read) return this.#updateOrKeep(entries, read);
    const index = await this.#build(await this.#source.list());
    this.#loaded = { index, at: this.#clock.now().getTime() };
    return index;
  }

  /** The runbooks of `files`, letting other work run every few hundred: 10,000 take most of a second. */
  async #parse(files: readonly RunbookFile[]): Promise<Runbook[]> {
    const runbooks: Runbook[] = [];
    for (let at = 0; at < files.length; at += PARSE_TURN) {
      const parsed = (await parser()).parseRunbooks(files.slice(at, at + PARSE_TURN), ofFamilies(this.#families));
      for (const problem of parsed.problems) {
        this.#log.warn({ problem: formatRunbookProblem(problem) }, 'runbook skipped');
      }
      runbooks.push(...parsed.runbooks);
      if (at + PARSE_TURN < files.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return runbooks;
  }

  async #build(files: readonly RunbookFile[]): Promise<RunbookIndex> {
    return (await indexer()).build(await this.#parse(files));
  }

  /** An incident is the worst time to lose the runbooks: when the source fails, the loaded ones stay. */
  async #updateOrKeep(
    list: NonNullable<RunbookSource['entries']>,
    read: NonNullable<RunbookSource['read']>,
  ): Promise<RunbookIndex> {
    try {
      return await this.#update(list.bind(this.#source), read.bind(this.#source));
    } catch (error) {
      const current = this.#index;
      if (!current) throw error;
      this.#log.warn({ err: error, source: this.describe() }, 'runbooks unavailable; serving the ones loaded earlier');
      // Asked again after RETRY_MS rather than the whole refresh interval.
      this.#loaded = {
        index: current,
        at: this.#clock.now().getTime() - this.#maxAgeMs + Math.min(RETRY_MS, this.#maxAgeMs),
      };
      return current;
    }
  }

  async #update(
    list: () => Promise<RunbookEntry[]>,
    read: (entry: RunbookEntry) => Promise<RunbookFile>,
  ): Promise<RunbookIndex> {
    const listed = await list();
    const changed = listed.filter((e) => this.#versions.get(e.path)?.version !== e.version);
    const files = await Promise.all(changed.map(read));
    const runbooks = await this.#parse(files);
    const byPath = new Map(runbooks.map((r) => [r.path, r]));
    const stillListed = new Set(listed.map((e) => e.path));
    const gone = [...this.#versions.keys()].filter((path) => !stillListed.has(path));
    const index = this.#index;
    if (index) {
      const removed = [...gone, ...changed.map((e) => e.path)].flatMap((path) => {
        const id = this.#versions.get(path)?.id;
        return id !== undefined && !byPath.has(path) ? [id] : [];
      });
      index.update({ put: runbooks, removed });
      if (index.wasteful) this.#index = await (await indexer()).build(index.all());
    } else {
      this.#index = await (await indexer()).build(runbooks);
    }
    for (const path of gone) this.#versions.delete(path);
    for (const entry of changed)
      this.#versions.set(entry.path, { version: entry.version, id: byPath.get(entry.path)?.id });
    const total = this.#index!.size;
    if (index) this.#log.info({ read: changed.length, removed: gone.length, total }, 'runbooks reloaded');
    this.#loaded = { index: this.#index!, at: this.#clock.now().getTime() };
    return this.#index!;
  }
}
