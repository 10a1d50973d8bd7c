import MiniSearch, { type Options } from 'minisearch';
import { bulkIndex } from './bulk-index.ts';
import type { Runbook } from './parse.ts';
import { indexTerms, queryTerm } from './search-terms.ts';

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

const fieldText = (runbook: Runbook, field: string): string => {
  const value = runbook[field as keyof Runbook];
  return Array.isArray(value) ? value.join(' ') : String(value);
};

const OPTIONS: Options<Runbook> = {
  fields: [...FIELDS],
  extractField: (doc, field) => (field === 'id' ? doc.id : fieldText(doc, field)),
  processTerm: indexTerms,
  searchOptions: {
    boost: BOOST,
    fuzzy: (t) => (t.length >= 5 ? 0.2 : false),
    prefix: (t) => t.length >= 5,
    processTerm: queryTerm,
  },
};

/**
 * Full-text search over runbooks with typo tolerance and prefix matching. Built in one pass (see
 * bulk-index.ts); a changed runbook is re-indexed on its own with `put` and `remove`.
 */
export class RunbookIndex {
  readonly #byId = new Map<string, Runbook>();
  readonly #search: MiniSearch<Runbook>;

  constructor(runbooks: readonly Runbook[]) {
    for (const runbook of runbooks) this.#byId.set(runbook.id, runbook);
    const docs = [...this.#byId.values()].map((r) => ({ id: r.id, fields: FIELDS.map((f) => fieldText(r, f)) }));
    this.#search = MiniSearch.loadJS(bulkIndex(docs, FIELDS, indexTerms), OPTIONS);
  }

  /** Adds a runbook, or re-indexes the one with its id. */
  put(runbook: Runbook): void {
    if (this.#byId.has(runbook.id)) this.#search.replace(runbook);
    else this.#search.add(runbook);
    this.#byId.set(runbook.id, runbook);
  }

  remove(id: string): void {
    if (!this.#byId.delete(id)) return;
    this.#search.discard(id);
  }

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): Runbook | undefined {
    return this.#byId.get(id);
  }

  /** Runbooks matching every word, or when none does, any word; best first. */
  search(query: string, limit = 5): SearchHit[] {
    const all = this.#search.search(query, { combineWith: 'AND' });
    const results = all.length ? all : this.#search.search(query, { combineWith: 'OR' });
    return results.slice(0, limit).map((r) => ({ runbook: this.#byId.get(r.id as string)!, score: r.score }));
  }

  /** Runbooks mapped to an alert name, compared without regard to case. */
  byAlert(name: string): Runbook[] {
    const wanted = name.trim().toLowerCase();
    return [...this.#byId.values()].filter((r) => r.alerts.some((a) => a.toLowerCase() === wanted));
  }

  /** Every runbook under each service it names (sorted), then those naming none; titles sorted within. */
  byService(): ServiceGroup[] {
    const groups = new Map<string | undefined, Runbook[]>();
    for (const runbook of this.#byId.values()) {
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
