import type { Runbook } from './parse.ts';
import { analyse, FIELDS, fieldTexts } from './runbook-fields.ts';
import { queryTerm, tokenize } from './search-terms.ts';
import { TextIndex } from './text-index.ts';
import { searchText, type TextSearchOptions } from './text-search.ts';

export interface SearchHit {
  runbook: Runbook;
  score: number;
}

export interface ServiceGroup {
  /** Undefined for runbooks that name no service. */
  service: string | undefined;
  runbooks: Runbook[];
}

// An alert name or a title word says more about which runbook is meant than a word in the body.
const BOOST = { title: 4, alerts: 4, services: 3, tags: 2, body: 1 };

const uniqueById = (runbooks: readonly Runbook[]): Runbook[] => [...new Map(runbooks.map((r) => [r.id, r])).values()];

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const OPTIONS: TextSearchOptions = {
  boost: FIELDS.map((field) => BOOST[field]),
  fuzzy: (t) => (t.length >= 5 ? 0.2 : false),
  prefix: (t) => t.length >= 5,
  queryTerms: (query) => tokenize(query).flatMap((word) => queryTerm(word) ?? []),
};

// How many runbooks a build indexes between turns of the event loop: a few milliseconds of work.
const BUILD_TURN = 500;

/**
 * Full-text search over runbooks with typo tolerance and prefix matching (see text-index.ts). Built in
 * one pass; changed runbooks are re-indexed with `update`, and once more runbooks have been replaced
 * than remain, `wasteful` says a fresh build would give back the space their gaps hold.
 */
export class RunbookIndex {
  /** Each runbook's number in the text index, in the order runbooks were first added. */
  readonly #byId = new Map<string, number>();
  readonly #docs: Array<Runbook | undefined> = [];
  readonly #text: TextIndex;

  /** Runbooks with the same id: the last one counts. */
  constructor(runbooks: readonly Runbook[], text?: TextIndex) {
    const unique = uniqueById(runbooks);
    this.#text = text ?? TextIndex.build(FIELDS.length, analyse, unique.map(fieldTexts));
    unique.forEach((runbook, doc) => {
      this.#byId.set(runbook.id, doc);
      this.#docs[doc] = runbook;
    });
  }

  /** As the constructor, letting other work run every few hundred runbooks: 10,000 take a second or two. */
  static async build(runbooks: readonly Runbook[]): Promise<RunbookIndex> {
    const unique = uniqueById(runbooks);
    const builder = TextIndex.builder(FIELDS.length, analyse, unique.length);
    for (let at = 0; at < unique.length; at += BUILD_TURN) {
      for (const runbook of unique.slice(at, at + BUILD_TURN)) builder.add(fieldTexts(runbook));
      await nextTurn();
    }
    return new RunbookIndex(unique, builder.finish());
  }

  /**
   * The runbooks with `text`, their index built elsewhere (another thread) from them in this order; built
   * here when `text` gives nothing (that build failed). When ids repeat, the last runbook with an id counts
   * and keeps the first one's place, which that build did not know: built here too.
   */
  static async withText(runbooks: readonly Runbook[], text: Promise<TextIndex | undefined>): Promise<RunbookIndex> {
    const built = await text;
    if (!built || uniqueById(runbooks).length !== runbooks.length) return RunbookIndex.build(runbooks);
    return new RunbookIndex(runbooks, built);
  }

  /** Adds runbooks or re-indexes the ones with their ids, and removes the runbooks with the ids in `removed`. */
  update(changes: { put?: readonly Runbook[]; removed?: readonly string[] }): void {
    const put = uniqueById(changes.put ?? []);
    const ids = new Set([...(changes.removed ?? []), ...put.map((r) => r.id)]);
    const removals = [...ids].flatMap((id) => {
      const doc = this.#byId.get(id);
      if (doc === undefined) return [];
      const texts = fieldTexts(this.#docs[doc]!);
      this.#docs[doc] = undefined;
      return [{ doc, texts }];
    });
    for (const id of changes.removed ?? []) this.#byId.delete(id);
    const docs = this.#text.update(removals, put.map(fieldTexts));
    put.forEach((runbook, i) => {
      this.#docs[docs[i]!] = runbook;
      this.#byId.set(runbook.id, docs[i]!);
    });
  }

  /** More runbooks replaced or removed than remain: a fresh build would give back the space they hold. */
  get wasteful(): boolean {
    return this.#text.removed > Math.max(this.#text.size, 64);
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Runbook | undefined {
    const doc = this.#byId.get(id);
    return doc === undefined ? undefined : this.#docs[doc];
  }

  /** Every runbook, in the order first added. */
  all(): Runbook[] {
    return [...this.#byId.values()].map((doc) => this.#docs[doc]!);
  }

  /** Runbooks matching every word, or when none does, any word; best first. */
  search(query: string, limit = 5): SearchHit[] {
    return searchText(this.#text, query, OPTIONS, limit).map((hit) => ({
      runbook: this.#docs[hit.doc]!,
      score: hit.score,
    }));
  }

  /** Runbooks mapped to an alert name, compared without regard to case. */
  byAlert(name: string): Runbook[] {
    const wanted = name.trim().toLowerCase();
    return this.all().filter((r) => r.alerts.some((a) => a.toLowerCase() === wanted));
  }

  /** Every runbook under each service it names (sorted), then those naming none; titles sorted within. */
  byService(): ServiceGroup[] {
    const groups = new Map<string | undefined, Runbook[]>();
    for (const runbook of this.all()) {
      for (const service of runbook.services.length ? runbook.services : [undefined]) {
        const group = groups.get(service);
        if (group) group.push(runbook);
        else groups.set(service, [runbook]);
      }
    }
    const order = (s: string | undefined) => (s === undefined ? '\uffff' : s);
    return [...groups.entries()]
      .sort(([a], [b]) => order(a).localeCompare(order(b)))
      .map(([service, runbooks]) => ({ service, runbooks: runbooks.sort((a, b) => a.title.localeCompare(b.title)) }));
  }
}
