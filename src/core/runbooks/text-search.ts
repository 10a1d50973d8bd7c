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
  const { score, matched, lastTerm, touched } = scratch(index.numbered);
  let reached = 0;
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
          if (matched[doc]! === 0) touched[reached++] = doc;
          matched[doc]! += 1;
        }
      }
    }
  }
  try {
    const candidates = touched.subarray(0, reached);
    const wanted = candidates.some((doc) => matched[doc] === terms.size) ? terms.size : 0;
    return best(
      candidates,
      (doc) => !wanted || matched[doc] === wanted,
      (doc) => score[doc]! * matched[doc]!,
      limit,
    );
  } finally {
    for (let i = 0; i < reached; i++) {
      const doc = touched[i]!;
      score[doc] = 0;
      matched[doc] = 0;
      lastTerm[doc] = 0;
    }
  }
}

// Per-document accumulators, kept zeroed between searches and reused: a search runs to its end without
// yielding, so one set serves every index. Allocating them per query made garbage that showed in the p99.
let accumulators = accumulatorsFor(0);

function accumulatorsFor(size: number) {
  const ints = () => new Int32Array(size);
  return { score: new Float64Array(size), matched: ints(), lastTerm: ints(), touched: ints() };
}

function scratch(documents: number): typeof accumulators {
  if (accumulators.score.length < documents) {
    accumulators = accumulatorsFor(Math.max(documents, accumulators.score.length * 2, 1024));
  }
  return accumulators;
}

/** The `limit` best of the documents `keep` accepts, best first; equal scores in document order. */
function best(
  docs: Int32Array,
  keep: (doc: number) => boolean,
  scoreOf: (doc: number) => number,
  limit: number,
): TextHit[] {
  if (limit > 64) {
    return [...docs]
      .filter(keep)
      .map((doc) => ({ doc, score: scoreOf(doc) }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, limit);
  }
  // Thousands of candidates, a handful kept: numbers compared in place, an object made only for a hit.
  const topDocs: number[] = [];
  const topScores: number[] = [];
  for (const doc of docs) {
    if (!keep(doc)) continue;
    const score = scoreOf(doc);
    let at = topDocs.length;
    while (at > 0 && (score > topScores[at - 1]! || (score === topScores[at - 1]! && doc < topDocs[at - 1]!))) at -= 1;
    if (at >= limit) continue;
    topDocs.splice(at, 0, doc);
    topScores.splice(at, 0, score);
    if (topDocs.length > limit) {
      topDocs.pop();
      topScores.pop();
    }
  }
  return topDocs.map((doc, i) => ({ doc, score: topScores[i]! }));
}
