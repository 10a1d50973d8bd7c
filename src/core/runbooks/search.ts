import type { Runbook } from './parse.ts';
import { indexTerms, queryTerm, tokenize } from './search-terms.ts';
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

const FIELDS = ['title', 'alerts', 'services', 'tags', 'body'] as const;
// An alert name or a title word says more about which runbook is meant than a word in the body.
const BOOST = { title: 4, alerts: 4, services: 3, tags: 2, body: 1 };
// How far ahead the best hit must be to be shown on its own; tuned with the search tests.
export const CLEAR_WINNER_RATIO = 1.6;

const fieldTexts = (runbook: Runbook): string[] =>
  FIELDS.map((field) => {
    const value = runbook[field];
    return Array.isArray(value) ? value.join(' ') : value;
  });

const analyse = (word: string) => indexTerms(word) ?? [];

const OPTIONS: TextSearchOptions = {
  boost: FIELDS.map((field) => BOOST[field]),
  fuzzy: (t) => (t.length >= 5 ? 0.2 : false),
  prefix: (t) => t.length >= 5,
  queryTerms: (query) => tokenize(query).flatMap((word) => queryTerm(word) ?? []),
};

/**
 * Full-text search over runbooks with typo tolerance and prefix matching (see text-index.ts). Built in
 * one pass; a changed runbook is re-indexed on its own with `put` and `remove`.
 */
export class RunbookIndex {
  /** Each runbook's number in the text index, in the order runbooks were first added. */
  readonly #byId = new Map<string, number>();
  readonly #docs: Array<Runbook | undefined> = [];
  readonly #text: TextIndex;

  constructor(runbooks: readonly Runbook[]) {
    const latest = new Map(runbooks.map((r) => [r.id, r]));
    const unique = [...latest.values()];
    this.#text = TextIndex.build(FIELDS.length, analyse, unique.map(fieldTexts));
    unique.forEach((runbook, doc) => {
      this.#byId.set(runbook.id, doc);
      this.#docs[doc] = runbook;
    });
  }

  /** Adds a runbook, or re-indexes the one with its id. */
  put(runbook: Runbook): void {
    this.#drop(runbook.id);
    const doc = this.#text.add(fieldTexts(runbook));
    this.#docs[doc] = runbook;
    this.#byId.set(runbook.id, doc);
  }

  remove(id: string): void {
    if (this.#drop(id)) this.#byId.delete(id);
  }

  #drop(id: string): boolean {
    const doc = this.#byId.get(id);
    if (doc === undefined) return false;
    this.#text.remove(doc, fieldTexts(this.#docs[doc]!));
    this.#docs[doc] = undefined;
    return true;
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

/** One hit, or a best hit scoring at least CLEAR_WINNER_RATIO times the second. */
export function clearWinner(results: readonly SearchHit[]): boolean {
  const [first, second] = results;
  if (!first) return false;
  return !second || first.score >= CLEAR_WINNER_RATIO * second.score;
}
