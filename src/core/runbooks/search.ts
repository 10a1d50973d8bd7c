import MiniSearch from 'minisearch';
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

/** Full-text search over runbooks with typo tolerance and prefix matching. */
export class RunbookIndex {
  readonly #byId = new Map<string, Runbook>();
  readonly #search = new MiniSearch<Runbook>({
    fields: [...FIELDS],
    extractField: (doc, field) => {
      const value = doc[field as keyof Runbook];
      return Array.isArray(value) ? value.join(' ') : value;
    },
    processTerm: indexTerms,
    searchOptions: { boost: BOOST, fuzzy: 0.2, prefix: true, processTerm: queryTerm },
  });

  constructor(runbooks: readonly Runbook[]) {
    for (const runbook of runbooks) this.#byId.set(runbook.id, runbook);
    this.#search.addAll([...this.#byId.values()]);
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
        groups.set(service, [...(groups.get(service) ?? []), runbook]);
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
