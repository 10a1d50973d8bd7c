import type { TextIndex } from './text-index.ts';

export interface TextSearchOptions {
  /** Per field, in the index's field order. */
  boost: readonly number[];
  /** Typo tolerance as a fraction of the term's length (0.2: one edit in five letters), or false. */
  fuzzy: (term: string) => number | false;
  prefix: (term: string) => boolean;
  /** Query words to terms, dropping stop words. */
  queryTerms: (query: string) => string[];
}

export interface TextHit {
  doc: number;
  score: number;
}

// MiniSearch's defaults, so scores are the ones its search gives, to rounding (test/runbooks/text-index.test.ts).
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
const MAX_FUZZY = 6;
const WEIGHT = { fuzzy: 0.45, prefix: 0.375 };

/**
 * The index terms a query term matches, each with its weight: the term itself, longer terms it starts
 * (prefix, weighed down with the letters added) and terms within a few edits (fuzzy, weighed down more).
 */
function expand(index: TextIndex, term: string, options: TextSearchOptions): Array<[number, number]> {
  const matches: Array<[number, number]> = [];
  const exact = index.terms.get(term);
  if (exact !== undefined) matches.push([exact, 1]);
  const prefixed = new Set<string>();
  if (options.prefix(term)) {
    for (const [longer, id] of index.terms.atPrefix(term)) {
      const distance = longer.length - term.length;
      if (!distance) continue;
      prefixed.add(longer);
      matches.push([id, (WEIGHT.prefix * longer.length) / (longer.length + 0.3 * distance)]);
    }
  }
  const fuzzy = options.fuzzy(term);
  const maxDistance = fuzzy === false ? 0 : Math.min(MAX_FUZZY, Math.round(term.length * fuzzy));
  if (maxDistance) {
    for (const [near, [id, distance]] of index.terms.fuzzyGet(term, maxDistance)) {
      if (!distance || prefixed.has(near)) continue;
      matches.push([id, (WEIGHT.fuzzy * near.length) / (near.length + distance)]);
    }
  }
  return matches;
}

/**
 * BM25+ over the index, scored as MiniSearch scores: per field, boosted, summed over the query's terms,
 * then multiplied by how many of them the document matched. Documents matching every term come first;
 * when none does, those matching any. Scores accumulate in typed arrays indexed by document, so a common
 * word in most of 10,000 runbooks costs a pass over its postings and no allocation per document.
 */
export function searchText(index: TextIndex, query: string, options: TextSearchOptions, limit: number): TextHit[] {
  const terms = new Map<string, number>();
  for (const term of options.queryTerms(query)) terms.set(term, (terms.get(term) ?? 0) + 1);
  if (!terms.size) return [];
  const { score, matched, lastTerm } = scratch(index.fieldLength.length / index.fields);
  const touched: number[] = [];
  const average = Array.from({ length: index.fields }, (_, field) => index.averageLength(field));
  const { k, b, d } = BM25;
  let termNumber = 0;
  for (const [term, repeats] of terms) {
    termNumber += 1;
    for (const [id, weight] of expand(index, term, options)) {
      const postings = index.postings[id]!;
      let at = index.fields;
      for (let field = 0; field < index.fields; field++) {
        const count = postings[field]!;
        const idf = Math.log(1 + (index.size - count + 0.5) / (count + 0.5));
        const factor = repeats * weight * options.boost[field]! * idf;
        const norm = k * (1 - b);
        const perLength = (k * b) / average[field]!;
        for (const end = at + 2 * count; at < end; at += 2) {
          const doc = postings[at]!;
          const frequency = postings[at + 1]!;
          const length = index.fieldLength[doc * index.fields + field]!;
          score[doc]! += factor * (d + (frequency * (k + 1)) / (frequency + norm + perLength * length));
          if (lastTerm[doc] === termNumber) continue;
          lastTerm[doc] = termNumber;
          if (matched[doc]! === 0) touched.push(doc);
          matched[doc]! += 1;
        }
      }
    }
  }
  try {
    const all = touched.filter((doc) => matched[doc] === terms.size);
    return best(all.length ? all : touched, (doc) => score[doc]! * matched[doc]!, limit);
  } finally {
    for (const doc of touched) {
      score[doc] = 0;
      matched[doc] = 0;
      lastTerm[doc] = 0;
    }
  }
}

// Per-document accumulators, kept zeroed between searches and reused: a search runs to its end without
// yielding, so one set serves every index. Allocating them per query made garbage that showed in the p99.
let accumulators = { score: new Float64Array(0), matched: new Int32Array(0), lastTerm: new Int32Array(0) };

function scratch(documents: number): typeof accumulators {
  if (accumulators.score.length < documents) {
    const size = Math.max(documents, accumulators.score.length * 2, 1024);
    accumulators = { score: new Float64Array(size), matched: new Int32Array(size), lastTerm: new Int32Array(size) };
  }
  return accumulators;
}

/** The `limit` best documents, best first; equal scores in document order. */
function best(docs: readonly number[], scoreOf: (doc: number) => number, limit: number): TextHit[] {
  if (limit > 64) {
    return docs
      .map((doc) => ({ doc, score: scoreOf(doc) }))
      .sort((a, b) => (better(a, b) ? -1 : 1))
      .slice(0, limit);
  }
  const top: TextHit[] = [];
  if (limit <= 0) return top;
  for (const doc of docs) {
    const hit = { doc, score: scoreOf(doc) };
    if (top.length === limit && !better(hit, top[limit - 1]!)) continue;
    let at = top.length;
    while (at > 0 && better(hit, top[at - 1]!)) at -= 1;
    top.splice(at, 0, hit);
    if (top.length > limit) top.pop();
  }
  return top;
}

const better = (a: TextHit, b: TextHit): boolean => a.score > b.score || (a.score === b.score && a.doc < b.doc);
