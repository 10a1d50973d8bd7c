import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RunbookEntry, RunbookFile, RunbookSource } from '../../ports/runbooks.ts';
import type { StartIndexBuild } from './index-builder.ts';
import { formatRunbookProblem } from './problem.ts';
import type { Runbook } from './parse.ts';
import type { RunbookIndex } from './search.ts';
import { ofFamilies } from './steps.ts';

// The parsers (js-yaml among them) and the index are loaded with the first runbooks, not at start: a bot
// whose people never search runbooks keeps a few megabytes less.
const parser = () => import('./parse.ts');
const indexer = async () => (await import('./search.ts')).RunbookIndex;
const fields = async () => (await import('./runbook-fields.ts')).fieldTexts;

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
// From how many runbooks a build of the whole index (a first load; every load of a source without versions)
// happens on another thread (`indexElsewhere`) while this one reads and parses them: fewer take a fraction of
// a second here, less than starting the thread.
const ELSEWHERE_FROM = 1_000;
const ELSEWHERE_FAILED = 'runbooks could not be indexed on another thread; indexing them here';

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
  readonly #indexElsewhere: StartIndexBuild | undefined;
  #loaded: { index: RunbookIndex; at: number } | undefined;
  #loading: Promise<RunbookIndex> | undefined;
  /** The version each listed file had when it was last read, and the runbook it gave (none if it had problems). */
  readonly #versions = new Map<string, { version: string; id: string | undefined }>();
  #index: RunbookIndex | undefined;

  constructor(
    source: RunbookSource,
    options: {
      families: readonly string[];
      log: Logger;
      maxAgeMs: number;
      clock: Clock;
      /** Where a first load of many runbooks is indexed while this thread parses them; here when absent. */
      indexElsewhere?: StartIndexBuild;
    },
  ) {
    this.#source = source;
    this.#families = options.families;
    this.#log = options.log;
    this.#maxAgeMs = options.maxAgeMs;
    this.#clock = options.clock;
    this.#indexElsewhere = options.indexElsewhere;
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
    const files = await this.#source.list();
    const { index } = await this.#build(files.length, () => files);
    this.#loaded = { index, at: this.#clock.now().getTime() };
    return index;
  }

  /**
   * The runbooks of `files`, parsed a few hundred at a time as they have been read, letting other work run
   * in between: 10,000 take most of a second. `parsed` is given each few hundred as they come.
   */
  async #parse(
    files: ReadonlyArray<RunbookFile | Promise<RunbookFile>>,
    parsed?: (runbooks: readonly Runbook[]) => void,
  ): Promise<Runbook[]> {
    // Every file is waited for, so a read that fails after an earlier one did is not left unhandled.
    Promise.all(files).catch(() => undefined);
    const runbooks: Runbook[] = [];
    for (let at = 0; at < files.length; at += PARSE_TURN) {
      const read = await Promise.all(files.slice(at, at + PARSE_TURN));
      const batch = (await parser()).parseRunbooks(read, ofFamilies(this.#families));
      for (const problem of batch.problems) {
        this.#log.warn({ problem: formatRunbookProblem(problem) }, 'runbook skipped');
      }
      parsed?.(batch.runbooks);
      runbooks.push(...batch.runbooks);
      if (at + PARSE_TURN < files.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return runbooks;
  }

  /**
   * The runbooks of the files `read` starts reading (about `expected` of them) and their index. Many are
   * indexed on another thread as they are read and parsed here; the thread starts first, so it loads while
   * the files are read.
   */
  async #build(
    expected: number,
    read: () => ReadonlyArray<RunbookFile | Promise<RunbookFile>>,
  ): Promise<{ index: RunbookIndex; runbooks: Runbook[] }> {
    const [RunbookIndex, fieldTexts] = await Promise.all([indexer(), fields()]);
    const builder =
      this.#indexElsewhere && expected >= ELSEWHERE_FROM
        ? await this.#indexElsewhere(expected).catch((error: unknown) => {
            this.#log.warn({ err: error }, ELSEWHERE_FAILED);
            return undefined;
          })
        : undefined;
    if (!builder) {
      const runbooks = await this.#parse(read());
      return { index: await RunbookIndex.build(runbooks), runbooks };
    }
    let runbooks: Runbook[];
    try {
      runbooks = await this.#parse(read(), (batch) => {
        for (const runbook of batch) builder.add(fieldTexts(runbook));
      });
    } catch (error) {
      builder.cancel();
      throw error;
    }
    const text = builder.finish().catch((error: unknown) => {
      this.#log.warn({ err: error }, ELSEWHERE_FAILED);
      return undefined;
    });
    return { index: await RunbookIndex.withText(runbooks, text), runbooks };
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
    const readChanged = () => changed.map(read);
    const stillListed = new Set(listed.map((e) => e.path));
    const gone = [...this.#versions.keys()].filter((path) => !stillListed.has(path));
    const index = this.#index;
    let runbooks: Runbook[];
    if (index) runbooks = await this.#parse(readChanged());
    else ({ index: this.#index, runbooks } = await this.#build(changed.length, readChanged));
    const byPath = new Map(runbooks.map((r) => [r.path, r]));
    if (index) {
      const removed = [...gone, ...changed.map((e) => e.path)].flatMap((path) => {
        const id = this.#versions.get(path)?.id;
        return id !== undefined && !byPath.has(path) ? [id] : [];
      });
      index.update({ put: runbooks, removed });
      if (index.wasteful) this.#index = await (await indexer()).build(index.all());
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
